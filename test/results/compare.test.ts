// harness compare over a recorded fixture run (with a real flaky cell: it timed out, then passed on
// a retry) and a baseline planted from it: one regression, one fix, a new and a vanished cell.
import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { compareRuns } from "../../harness/results/compare.ts";
import type { ComparisonJson } from "../../harness/results/compare-report.ts";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { FIXTURES, harness, tempDir } from "../helpers/cli.ts";
import { cellOf, recordOf, runOf } from "../report/records.ts";

const key = (name: string) => `fixtures.${name}/qemu-x86_64-debian-6.1-cloud`;

async function readRun(dir: string): Promise<RunRecord> {
  return JSON.parse(await readFile(join(dir, "run.json"), "utf8")) as RunRecord;
}

describe("harness compare", function () {
  this.timeout(60_000);
  let logs: string;
  let current: string;
  let baseline: string;

  before(async () => {
    logs = await tempDir("harness-compare-");
    const scratch = await tempDir("harness-compare-scratch-");
    const recorded = await harness(
      [
        "run",
        "--cases",
        FIXTURES,
        "--platform",
        "qemu",
        "-l",
        "flaky",
        "--retries",
        "1",
        "--logs",
        logs,
        "--run-id",
        "current",
        "--parallel",
        "6",
      ],
      { env: { FIXTURE_SCRATCH: scratch } },
    );
    assert.equal(recorded.exitCode, 1, recorded.stderr);
    current = join(logs, "current");
    const run = await readRun(current);
    assert.equal(run.cells.find((c) => c.id === key("io.flaky"))?.status, "flaky");
    // The baseline: ktap_fail passed then (a regression now), nested failed then (a fix now),
    // big_output did not exist yet (new), and a cell since removed (vanished).
    baseline = join(logs, "baseline");
    await cp(current, baseline, { recursive: true });
    const planted = await readRun(baseline);
    planted.runId = "baseline";
    const set = (name: string, status: "pass" | "fail") => {
      const cell = planted.cells.find((c) => c.id === key(name));
      assert.ok(cell, name);
      cell.status = status;
    };
    set("tap.ktap_fail", "pass");
    set("tap.nested", "fail");
    set("io.flaky", "pass");
    const gone = planted.cells.find((c) => c.id === key("io.big_output"));
    planted.cells = planted.cells.filter((c) => c !== gone);
    planted.cells.push({ ...gone!, id: key("io.removed"), case: "fixtures.io.removed" });
    await writeFile(join(baseline, "run.json"), JSON.stringify(planted));
  });

  it("finds the planted regression and fix, the flake, the new and the vanished cell", async () => {
    const files = await tempDir("harness-compare-out-");
    const result = await harness([
      "compare",
      baseline,
      current,
      "--json",
      join(files, "compare.json"),
      "--markdown",
      join(files, "compare.md"),
    ]);
    assert.equal(result.exitCode, 1, "a regression fails the comparison");
    const json = JSON.parse(await readFile(join(files, "compare.json"), "utf8")) as ComparisonJson;
    const keys = (list: { key: string }[]) => list.map((c) => c.key);
    assert.deepEqual(keys(json.regressions), [key("tap.ktap_fail")]);
    assert.deepEqual(keys(json.fixes), [key("tap.nested")]);
    assert.deepEqual(keys(json.flakes), [key("io.flaky")]);
    assert.deepEqual(keys(json.new), [key("io.big_output")]);
    assert.deepEqual(keys(json.vanished), [key("io.removed")]);
    assert.equal(json.counts.stillFailing, 5);
    assert.deepEqual(
      { before: json.regressions[0]?.before, after: json.regressions[0]?.after },
      { before: "pass", after: "fail" },
    );
    assert.match(json.regressions[0]?.reasons[0] ?? "", /fail: slow/);
    assert.match(
      json.regressions[0]?.reproduce ?? "",
      /^npx harness run fixtures\.tap\.ktap_fail /,
    );
    const markdown = await readFile(join(files, "compare.md"), "utf8");
    assert.equal(result.stdout, markdown.trimEnd(), "stdout shows the Markdown");
    assert.match(
      markdown,
      /^## Compared with baseline\n\ncurrent: 1 regression, 1 fix, 1 flaky, 1 new, 1 vanished, 5 still failing\./,
    );
    assert.match(
      markdown,
      /### ❌ Regressions[^]*\| `fixtures\.tap\.ktap_fail\/qemu-x86_64-debian-6\.1-cloud` \| ✅ pass \| ❌ fail \| fail: slow/,
    );
    assert.match(markdown, /### 🔁 Flaky[^]*fixtures\.io\.flaky/);
  });

  it("exits 0 with no regression, and prints JSON for -", async () => {
    const result = await harness(["compare", current, current, "--json", "-"]);
    assert.equal(result.exitCode, 0, result.stderr);
    const json = JSON.parse(result.stdout) as ComparisonJson;
    assert.equal(json.counts.regressions, 0);
    assert.equal(json.counts.fixes, 0);
    assert.deepEqual(
      json.flakes.map((c) => c.key),
      [key("io.flaky")],
    );
  });

  it("judges repetitions of a cell together: a pass and a failure make it flaky", () => {
    const a = cellOf("a");
    const again = { ...recordOf(a, "fail"), id: `${a.id}.r2`, repeat: 2 };
    const before = runOf("before", [
      recordOf(a, "pass"),
      { ...recordOf(a, "pass"), id: `${a.id}.r2` },
    ]);
    const mixed = compareRuns(before, runOf("mixed", [recordOf(a, "pass"), again]));
    assert.deepEqual(mixed.regressions, []);
    assert.deepEqual(
      mixed.flakes.map((c) => [c.key, c.after, c.cellIds.length]),
      [[a.id, "flaky", 2]],
    );
    const broken = compareRuns(before, runOf("broken", [recordOf(a, "timeout"), again]));
    assert.deepEqual(
      broken.regressions.map((c) => [c.key, c.after]),
      [[a.id, "fail"]],
    );
  });

  it("says what is wrong with its arguments (exit 2)", async () => {
    const one = await harness(["compare", current]);
    assert.equal(one.exitCode, 2);
    assert.match(one.stderr, /takes two run folders, got 1/);
    const missing = await harness(["compare", current, join(logs, "nope")]);
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /nope\/run\.json does not exist \(from CURRENT /);
  });
});
