// npm run ci:local: the pull-request workflow's plan → shards → merge → compare on one machine,
// over the host-script fixtures.
import assert from "node:assert/strict";
import { readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { FIXTURES, REPO, tempDir } from "../helpers/cli.ts";

async function ciLocal(...args: string[]) {
  const result = await execa("npm", ["run", "--silent", "ci:local", "--", ...args], {
    cwd: REPO,
    reject: false,
    all: true,
  });
  return { exitCode: result.exitCode, output: String(result.all) };
}

async function readRun(dir: string): Promise<RunRecord> {
  return JSON.parse(await readFile(join(dir, "run.json"), "utf8")) as RunRecord;
}

describe("npm run ci:local", function () {
  this.timeout(180_000);

  it("runs every shard, merges them into the planned cells, and compares with the run before", async () => {
    const logs = await tempDir("harness-ci-local-");
    const args = ["--cases", FIXTURES, "--shards", "3", "--logs", logs, "--parallel", "4"];
    const first = await ciLocal(...args);
    assert.equal(first.exitCode, 1, `the fixtures fail on purpose:\n${first.output}`);
    assert.match(first.output, /ci-local: shard 1\/3[^]*shard 2\/3[^]*shard 3\/3/);
    assert.match(first.output, /no earlier ci:local run in .* to compare with/);
    const firstId = await readlink(join(logs, "ci-local.previous"));
    const merged = await readRun(join(logs, firstId));
    const plan = JSON.parse(await readFile(join(logs, firstId, "plan.json"), "utf8")) as {
      cells: { id: string }[];
    };
    assert.deepEqual(
      merged.cells.map((c) => c.id),
      plan.cells.map((c) => c.id),
    );
    assert.deepEqual([...new Set(merged.cells.map((c) => c.arch))].sort(), ["aarch64", "x86_64"]);
    assert.equal(merged.counts.error, 0, "every shard reported its cells");

    const second = await ciLocal(...args);
    assert.equal(second.exitCode, 1, second.output);
    assert.match(
      second.output,
      new RegExp(`## Compared with ${firstId}\\n\\n\\S+: 0 regressions, 0 fixes`),
    );
    const secondId = await readlink(join(logs, "ci-local.previous"));
    assert.notEqual(secondId, firstId);
    assert.match(await readFile(join(logs, secondId, "compare.md"), "utf8"), /^## Compared with /);
  });

  it("exits 0 when every cell passes and nothing regressed, 2 for a bad flag", async () => {
    const logs = await tempDir("harness-ci-local-");
    const args = ["fixtures.outcomes.pass", "--cases", FIXTURES, "--shards", "2", "--logs", logs];
    const first = await ciLocal(...args);
    assert.equal(first.exitCode, 0, first.output);
    const second = await ciLocal(...args);
    assert.equal(second.exitCode, 0, second.output);
    assert.match(second.output, /0 regressions/);
    const bad = await ciLocal("--shard", "2");
    assert.equal(bad.exitCode, 2);
    assert.match(bad.output, /unknown flag --shard/);
  });
});
