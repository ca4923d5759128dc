import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { harness, tempDir } from "../helpers/cli.ts";

// The pull-request preset over the bundled suite: every case on x86_64 and aarch64, real guests.
describe("the pr preset", function () {
  this.timeout(45 * 60_000);

  it("passes every bundled case on both arches (skips carry their reason)", async () => {
    const logs = await tempDir("harness-pr-");
    const result = await harness([
      "run",
      "--preset",
      "pr",
      "--logs",
      logs,
      "--run-id",
      "pr",
      "--parallel",
      "2",
    ]);
    const record = JSON.parse(await readFile(join(logs, "pr", "run.json"), "utf8")) as RunRecord;
    const bad = record.cells.filter(
      (c) => c.status !== "pass" && !(c.status === "skip" && c.reasons.length > 0),
    );
    assert.deepEqual(
      bad.map((c) => `${c.id}: ${c.status}: ${c.reasons[0] ?? ""}`),
      [],
      result.stdout.slice(-3000),
    );
    assert.equal(result.exitCode, 0);
    assert.deepEqual([...new Set(record.cells.map((c) => c.arch))].sort(), ["aarch64", "x86_64"]);
    assert.ok(
      record.cells.some(
        (c) => c.case === "boot.banner" && c.arch === "aarch64" && c.status === "pass",
      ),
    );
  });
});
