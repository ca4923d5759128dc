// The second signal's hurry: a stop under way skips the rest of its grace. Run in a child process,
// since hurrying is for the rest of a process's life.
import assert from "node:assert/strict";
import { execa } from "execa";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO } from "../helpers/cli.ts";

const GRACE_MS = 60_000;

// Starts a tree that ignores SIGTERM, cancels it, hurries after `hurryAfterMs`, reports how long the stop took.
const SCRIPT = `
import { runProcessTree } from ${JSON.stringify(pathToFileURL(join(REPO, "harness/util/process-tree.ts")).href)};
import { hurryStops } from ${JSON.stringify(pathToFileURL(join(REPO, "harness/util/live-trees.ts")).href)};
const controller = new AbortController();
let cancelledAt = 0;
const exit = await runProcessTree({
  command: "/bin/sh",
  args: ["-c", "trap '' TERM; sleep 600 & echo up; wait"],
  cwd: "/",
  env: { PATH: process.env.PATH },
  signal: controller.signal,
  graceMs: ${GRACE_MS},
  onOutput: (chunk) => {
    if (!chunk.includes("up")) return;
    cancelledAt = Date.now();
    controller.abort();
    setTimeout(hurryStops, 300);
  },
});
console.log(JSON.stringify({ stopMs: Date.now() - cancelledAt, stopped: exit.stopped, signal: exit.signal }));
`;

describe("hurrying stops (the second Ctrl-C)", () => {
  it("kills a tree that ignores SIGTERM without waiting out its grace", async () => {
    const result = await execa(process.execPath, ["--input-type=module", "-e", SCRIPT], {
      timeout: 20_000,
      reject: false,
    });
    assert.equal(result.exitCode, 0, `${result.stderr}${result.timedOut ? " (timed out)" : ""}`);
    const report = JSON.parse(result.stdout) as {
      stopMs: number;
      stopped: boolean;
      signal: string;
    };
    assert.equal(report.stopped, true);
    assert.equal(report.signal, "SIGKILL");
    assert.ok(report.stopMs < GRACE_MS / 4, `stopped after ${report.stopMs} ms`);
  });
});
