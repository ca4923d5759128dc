import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { ConsoleWatcher } from "../../harness/drivers/serial/console.ts";
import { sendLine } from "../../harness/drivers/serial/send.ts";
import type { HarnessError } from "../../harness/errors.ts";

function console_(silenceMs = 60_000) {
  const stream = new PassThrough();
  const log = new PassThrough();
  let logged = "";
  log.on("data", (chunk: Buffer) => (logged += chunk.toString()));
  const watcher = new ConsoleWatcher(stream, log, silenceMs);
  return { stream, watcher, logged: () => logged };
}

describe("serial console watcher", () => {
  it("tracks boot stages and keeps every line with a time offset", async () => {
    const { stream, watcher, logged } = console_();
    stream.write(
      "SeaBIOS\n[    0.000000] Linux version 6.1.0\nRun /init as init process\nharness-init: booted x kernel y\n",
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(watcher.stage, "test");
    assert.deepEqual(Object.keys(watcher.stageTimesMs), ["firmware", "kernel", "init", "test"]);
    assert.match(logged(), /^\[\+\s+\d+\.\d{3}\] SeaBIOS$/m);
    watcher.close();
  });

  it("notes when the first result arrived, and only the first", async () => {
    const { watcher } = console_();
    assert.equal(watcher.stageTimesMs.result, undefined);
    watcher.markResult();
    const first = watcher.stageTimesMs.result;
    assert.equal(typeof first, "number");
    await new Promise((resolve) => setTimeout(resolve, 20));
    watcher.markResult();
    assert.equal(watcher.stageTimesMs.result, first);
    watcher.close();
  });

  it("waits for a line split across chunks, and times out with the stage and tail", async () => {
    const { stream, watcher } = console_();
    const signal = new AbortController().signal;
    const found = watcher.waitFor(/login:/, { timeoutMs: 2000, signal, what: "login prompt" });
    stream.write("harness lo");
    stream.write("gin: \n");
    assert.equal(await found, "harness login: ");
    await assert.rejects(
      watcher.waitFor(/never/, { timeoutMs: 100, signal, what: "the impossible" }),
      (error: HarnessError) =>
        /no the impossible within 0s during the firmware stage/.test(error.message) &&
        /harness login/.test(error.hint ?? ""),
    );
    watcher.close();
  });

  it("turns a panic into a failure with the backtrace, and silence into another", async () => {
    const { stream, watcher } = console_();
    stream.write(
      "[    1.0] Kernel panic - not syncing: VFS: Unable to mount root fs\n[    1.1] Call Trace:\n",
    );
    const failure = await watcher.failure;
    assert.match(failure.message, /kernel panic: .*Unable to mount root fs/);
    assert.match(failure.hint ?? "", /Call Trace/);
    watcher.close();
    const quiet = console_(200);
    const silence = await quiet.watcher.failure;
    assert.match(silence.message, /console silent for 0s/);
    quiet.watcher.close();
  });

  it("sends input and waits for its echo", async () => {
    const { stream, watcher } = console_();
    const signal = new AbortController().signal;
    await sendLine((text) => stream.write(`# ${text}`), watcher, "uname -r", {
      timeoutMs: 1000,
      signal,
    });
    await assert.rejects(
      sendLine(() => undefined, watcher, "lost", { timeoutMs: 100, signal }),
      /no echo of "lost"/,
    );
    watcher.close();
  });
});
