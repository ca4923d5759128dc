// Longest-first scheduling: each cell's duration in the newest earlier run under the logs folder,
// cells never timed started first, then the longest; a real second run starts them in that order.
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { longestFirst, pastDurations } from "../../harness/run/durations.ts";
import type { Cell } from "../../harness/matrix/cells.ts";
import type { TestCase } from "../../harness/cases/types.ts";
import { harness, tempDir } from "../helpers/cli.ts";

async function writeRun(logs: string, runId: string, cells: unknown[]): Promise<void> {
  await mkdir(join(logs, runId), { recursive: true });
  await writeFile(join(logs, runId, "run.json"), JSON.stringify({ runId, cells }));
}

function cell(id: string, skipReason?: string): Cell {
  const testCase = { name: id } as TestCase;
  return {
    id,
    testCase,
    platform: "qemu",
    arch: "x86_64",
    kernel: "k",
    repeatIndex: 1,
    ...(skipReason ? { skipReason } : {}),
  };
}

async function scriptCase(root: string, name: string, sleepS: number): Promise<void> {
  await mkdir(join(root, name), { recursive: true });
  await writeFile(
    join(root, name, "test.sh"),
    `#!/bin/sh\n# SUMMARY: sleeps ${sleepS}s\nsleep ${sleepS}\nexit 0\n`,
    { mode: 0o755 },
  );
}

describe("longest-first scheduling from earlier runs", function () {
  this.timeout(120_000);

  it("reads each cell's duration from the newest earlier run that ran it", async () => {
    const logs = await tempDir();
    await writeRun(logs, "20261201-000000-aaaa", [
      { id: "a", status: "pass", durationMs: 1000 },
      { id: "b", status: "fail", durationMs: 5000 },
      { id: "c", status: "pass", durationMs: 300 },
    ]);
    await writeRun(logs, "20261202-000000-bbbb", [
      { id: "a", status: "pass", durationMs: 7000 },
      { id: "c", status: "skip", durationMs: 0 },
    ]);
    await mkdir(join(logs, "20261203-000000-cccc"));
    await writeFile(join(logs, "20261203-000000-cccc", "run.json"), "{ not json");
    const durations = await pastDurations(logs);
    assert.deepEqual(Object.fromEntries(durations), { a: 7000, b: 5000, c: 300 });
    assert.equal((await pastDurations(join(logs, "missing"))).size, 0);
  });

  it("orders skipped cells, then untimed cases, then the longest first; ties keep matrix order", () => {
    const durations = new Map([
      ["short/q-x86_64-k1", 100],
      ["long/q-x86_64-k1", 9000],
      ["mid/q-x86_64-k1", 4000],
      ["mid2/q-x86_64-k1", 4000],
    ]);
    const cells = ["short", "new1", "mid", "long", "mid2", "skipped", "new2"].map((name) =>
      cell(`${name}/q-x86_64-k1`, name === "skipped" ? "cannot run here" : undefined),
    );
    assert.deepEqual(
      longestFirst(cells, durations).map((c) => c.id.split("/")[0]),
      ["skipped", "new1", "new2", "long", "mid", "mid2", "short"],
    );
  });

  it("estimates a cell not timed yet (a new kernel) from its case's other cells", () => {
    const durations = new Map([
      ["runc/q-x86_64-k1", 50_000],
      ["runc/q-aarch64-k1", 70_000],
      ["boot/q-x86_64-k1", 10_000],
      ["boot/q-x86_64-k2", 90_000],
    ]);
    const ids = ["boot/q-x86_64-k1", "boot/q-x86_64-k3", "runc/q-x86_64-k3", "boot/q-x86_64-k2"];
    assert.deepEqual(
      longestFirst(
        ids.map((id) => cell(id)),
        durations,
      ).map((c) => c.id),
      ["boot/q-x86_64-k2", "runc/q-x86_64-k3", "boot/q-x86_64-k3", "boot/q-x86_64-k1"],
    );
  });

  it("a real run starts the cells an earlier run timed longest first, an untimed one before them", async () => {
    const cases = await tempDir();
    const logs = await tempDir();
    await scriptCase(cases, "010_quick", 0.1);
    await scriptCase(cases, "020_slow", 1.5);
    await scriptCase(cases, "030_middle", 0.8);
    const args = ["run", "--cases", cases, "--platform", "qemu", "--arch", "x86_64"];
    const first = await harness([...args, "--parallel", "1", "--logs", logs]);
    assert.equal(first.exitCode, 0, first.stdout + first.stderr);
    await scriptCase(cases, "040_new", 0.1);
    const second = await harness([...args, "--parallel", "1", "--logs", logs, "--json"]);
    assert.equal(second.exitCode, 0, second.stdout + second.stderr);
    const started = second.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { event: string; case?: string })
      .filter((event) => event.event === "cell-start")
      .map((event) => event.case);
    assert.deepEqual(started, ["new", "slow", "middle", "quick"]);
  });
});
