import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { socketFolder, startQemu } from "../../platforms/qemu/machine.ts";
import { tempDir } from "../helpers/cli.ts";
import { processesMentioning } from "../helpers/processes.ts";

// Descriptors of this process that point into `dir` (a named pipe's fd reads as its path).
async function descriptorsInto(dir: string): Promise<string[]> {
  const targets: string[] = [];
  for (const fd of await readdir("/proc/self/fd")) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => "");
    if (target.startsWith(dir)) targets.push(target);
  }
  return targets;
}

// Collects a stream's text until `pattern` appears.
function readUntil(stream: NodeJS.ReadableStream, pattern: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(pattern)) resolve(text);
    });
    stream.on("error", reject);
    stream.on("end", () => reject(new Error(`stream ended without ${pattern}: ${text}`)));
  });
}

describe("a qemu machine's process, console pipe and sockets", () => {
  const noPorts = new Map<number, { host: string; port: number }>();

  it("carries the child's stdout through the console pipe and releases all of it on stop", async () => {
    const socketDir = await socketFolder();
    const stateDir = await tempDir("harness-machine-");
    const script = "for i in 1 2 3; do printf 'line %s\\n' $i; done; echo ready; sleep 60";
    const machine = await startQemu(
      ["sh", "-c", script],
      socketDir,
      stateDir,
      "tcg",
      noPorts,
      true,
    );
    const text = await readUntil(machine.console, "ready");
    assert.match(text, /line 1\nline 2\nline 3\nready/);
    assert.deepEqual(await descriptorsInto(socketDir), [join(socketDir, "console.fifo")]);
    await machine.stop();
    const exit = await machine.exited;
    assert.ok(exit.signal !== null || exit.code !== 0, "the child was stopped, not finished");
    assert.equal(existsSync(socketDir), false, "socket folder removed");
    assert.deepEqual(await descriptorsInto(socketDir), []);
  });

  it("closes the console pipe and removes its folder when the results socket cannot listen", async () => {
    const socketDir = await socketFolder();
    const stateDir = await tempDir("harness-machine-");
    await mkdir(join(socketDir, "results.sock"));
    await assert.rejects(
      startQemu(["sh", "-c", "sleep 60"], socketDir, stateDir, "tcg", noPorts, true),
      /EADDRINUSE/,
    );
    assert.equal(existsSync(socketDir), false, "socket folder removed");
    assert.deepEqual(await descriptorsInto(socketDir), []);
  });

  it("starts nothing, and releases the pipe and sockets, when its state folder cannot be written", async () => {
    const socketDir = await socketFolder();
    const missing = join(await tempDir("harness-machine-"), "gone");
    const marker = `never-started-${randomUUID()}`;
    await assert.rejects(
      startQemu(["sh", "-c", `sleep 60 # ${marker}`], socketDir, missing, "tcg", noPorts, true),
      /ENOENT.*qemu\.cmdline/,
    );
    assert.deepEqual(await processesMentioning(marker), []);
    assert.equal(existsSync(socketDir), false, "socket folder removed");
    assert.deepEqual(await descriptorsInto(socketDir), []);
  });
});
