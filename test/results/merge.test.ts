// harness merge over real shard runs of the host-script fixtures: shards 1/N … N/N merged give the
// unsharded run's cells, in its order, with its statuses; a missing shard's cells become errors.
import assert from "node:assert/strict";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { FIXTURES, harness, tempDir } from "../helpers/cli.ts";

const SELECT = ["--cases", FIXTURES, "--platform", "qemu", "-l", "flaky"];

async function record(dir: string): Promise<RunRecord> {
  return JSON.parse(await readFile(join(dir, "run.json"), "utf8")) as RunRecord;
}

describe("harness merge", function () {
  this.timeout(120_000);
  let logs: string;
  let plan: string;
  const SHARDS = 3;

  // Every run gets a fresh scratch folder, so the flaky fixture times out in each of them alike.
  const run = async (runId: string, ...extra: string[]) => {
    const scratch = await tempDir("harness-merge-scratch-");
    const result = await harness(
      ["run", ...SELECT, "--logs", logs, "--run-id", runId, "--parallel", "6", ...extra],
      { env: { FIXTURE_SCRATCH: scratch } },
    );
    assert.equal(result.exitCode, 1, result.stderr);
    return join(logs, runId);
  };

  before(async () => {
    logs = await tempDir("harness-merge-");
    await run("whole");
    for (let i = 1; i <= SHARDS; i++) await run(`part-${i}`, "--shard", `${i}/${SHARDS}`);
    plan = join(logs, "plan.json");
    const matrix = await harness([
      "matrix",
      ...SELECT,
      "--shards",
      String(SHARDS),
      "--format",
      "json",
    ]);
    assert.equal(matrix.exitCode, 0, matrix.stderr);
    await writeFile(plan, matrix.stdout);
  });

  it("joins shards 1/N … N/N into the unsharded run's cells and statuses", async () => {
    const parts = [3, 1, 2].map((i) => join(logs, `part-${i}`));
    const result = await harness(["merge", ...parts, "--logs", logs, "--run-id", "merged"]);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stdout, /^merged 3 runs into .*merged: 13 cells, /);
    const whole = await record(join(logs, "whole"));
    const merged = await record(join(logs, "merged"));
    const shape = (r: RunRecord) => r.cells.map((c) => `${c.id} ${c.status} ${c.dir}`);
    assert.deepEqual(shape(merged), shape(whole), "same cells, same order, same statuses");
    assert.ok(new Set(merged.cells.map((c) => c.status)).size >= 5, "a mix of statuses");
    assert.deepEqual(merged.counts, whole.counts);
    assert.equal(merged.exitCode, whole.exitCode);
    assert.equal(merged.inputs.shard, undefined);
    assert.ok(!merged.inputs.argv.includes("--shard"));
    for (const cell of merged.cells.filter((c) => c.status !== "skip")) {
      assert.ok(
        await stat(join(logs, "merged", cell.dir, "console.log")),
        `${cell.id} logs copied`,
      );
    }
    const junit = await readFile(join(logs, "merged", "junit.xml"), "utf8");
    assert.equal(junit.match(/<testsuite /g)?.length, 13, "one testsuite per cell");
    assert.match(await readFile(join(logs, "merged", "summary.md"), "utf8"), /13 cells/);
  });

  it("turns the cells of a missing shard into errors when given the plan", async () => {
    const parts = [1, 3].map((i) => join(logs, `part-${i}`));
    const result = await harness([
      "merge",
      ...parts,
      "--expect",
      plan,
      "--logs",
      logs,
      "--run-id",
      "partial",
    ]);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stderr, /no run folder for shard 2\/3/);
    const whole = await record(join(logs, "whole"));
    const partial = await record(join(logs, "partial"));
    const ofShard2 = whole.cells.filter((_, i) => i % SHARDS === 1).map((c) => c.id);
    assert.deepEqual(
      partial.cells.map((c) => c.id),
      whole.cells.map((c) => c.id),
      "the plan's order",
    );
    for (const cell of partial.cells) {
      if (!ofShard2.includes(cell.id)) continue;
      assert.equal(cell.status, "error", cell.id);
      assert.match(cell.reasons[0] ?? "", /shard 2\/3 reported no result/);
    }
    assert.equal(partial.counts.error, ofShard2.length);
  });

  it("exits 3 for a missing shard even when every cell it has passed", async () => {
    const pass = await harness([
      "run",
      "fixtures.outcomes.pass",
      ...SELECT,
      "--shard",
      "1/2",
      "--logs",
      logs,
      "--run-id",
      "pass-1",
    ]);
    assert.equal(pass.exitCode, 0, pass.stderr);
    const result = await harness([
      "merge",
      join(logs, "pass-1"),
      "--logs",
      logs,
      "--run-id",
      "one",
    ]);
    assert.equal(result.exitCode, 3);
    assert.match(result.stderr, /no run folder for shard 2\/2/);
    assert.equal((await record(join(logs, "one"))).exitCode, 0, "the cells it has all passed");
  });

  it("refuses a cell given twice, a plan that is not one, and no input at all (exit 2)", async () => {
    const part = join(logs, "part-1");
    const twice = await harness(["merge", part, part, "--logs", logs, "--run-id", "twice"]);
    assert.equal(twice.exitCode, 2);
    assert.match(twice.stderr, /cell \S+ is in both .*part-1 and .*part-1 \[EMERGE\]/);
    const badPlan = await harness(["merge", part, "--expect", join(part, "run.json")]);
    assert.equal(badPlan.exitCode, 2);
    assert.match(badPlan.stderr, /is not a matrix plan/);
    const none = await harness(["merge"]);
    assert.equal(none.exitCode, 2);
    assert.match(none.stderr, /needs at least one run folder/);
  });

  it("gives GitHub's strategy.matrix a shard index for artifact names", async () => {
    const github = await harness(["matrix", ...SELECT, "--shards", "2", "--format", "github"]);
    assert.deepEqual(
      (JSON.parse(github.stdout) as { include: { index: number; shard: string }[] }).include.map(
        (s) => `${s.index}:${s.shard}`,
      ),
      ["1:1/2", "2:2/2"],
    );
  });
});
