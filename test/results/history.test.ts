// Comparing a run with a history of earlier runs: the last good run per cell, a new failing test
// inside a failing cell, a flip that is flakiness rather than a regression, infrastructure errors
// kept apart, and what changed (a kernel bump) between the last good run and the bad one.
import assert from "node:assert/strict";
import { compareRuns, compareWithHistory } from "../../harness/results/compare.ts";
import { runHistory, track } from "../../harness/results/history.ts";
import { nightly, type CellSpec } from "./histories.ts";

const KEY = "net.ping/qemu-x86_64-debian-6.12-cloud";
const ping = (status: CellSpec["status"], extra: Partial<CellSpec> = {}): CellSpec => ({
  name: "net.ping",
  status,
  ...extra,
});

describe("compare with a history of runs", () => {
  it("names the kernel bump between the last good run and the failing one", () => {
    const bumped = { kernelVersion: "6.12.117-1", imageDigest: `sha256:${"b".repeat(64)}` };
    const history = [1, 2, 3].map((day) => nightly(day, [ping("pass")]));
    const current = nightly(4, [ping("fail", bumped)], {
      version: "0.1.0",
      commit: "2".repeat(40),
    });
    const comparison = compareWithHistory(history, current);
    assert.deepEqual(
      comparison.regressions.map((c) => [c.key, c.lastGoodRunId]),
      [[KEY, "nightly-3"]],
    );
    assert.deepEqual(comparison.regressions[0]?.changes, [
      { input: "kernel", before: "6.12.107-1", after: "6.12.117-1" },
      { input: "image", before: "sha256:aaaaaaaaaaaa", after: "sha256:bbbbbbbbbbbb" },
      { input: "harness", before: "111111111111", after: "222222222222" },
    ]);
  });

  it("takes the newest run where the cell passed as its baseline, not the previous run", () => {
    const history = [
      nightly(1, [ping("pass")]),
      nightly(2, [
        ping("fail", { kernelVersion: "6.12.117-1", caseHash: `sha256:${"d".repeat(64)}` }),
      ]),
    ];
    const current = nightly(3, [
      ping("fail", { kernelVersion: "6.12.117-1", caseHash: `sha256:${"d".repeat(64)}` }),
    ]);
    const [cell] = compareWithHistory(history, current).cells;
    assert.equal(cell?.kind, "still-failing");
    assert.equal(cell?.lastGoodRunId, "nightly-1");
    assert.deepEqual(
      cell?.changes?.map((c) => c.input),
      ["kernel", "case"],
    );
  });

  it("reports a newly failing test inside an already failing cell as a regression, and fixed tests", () => {
    const before = nightly(1, [ping("fail", { tests: { a: "fail", b: "pass", c: "fail" } })]);
    const after = nightly(2, [ping("fail", { tests: { a: "fail", b: "fail", c: "pass" } })]);
    const comparison = compareRuns(before, after);
    assert.deepEqual(
      comparison.regressions.map((c) => c.key),
      [KEY],
    );
    assert.deepEqual(comparison.regressions[0]?.tests, {
      regressions: ["suite > b"],
      fixes: ["suite > c"],
      flaky: [],
    });
    assert.deepEqual(comparison.stillFailing, []);
  });

  it("shows a cell that flips within the window as flaky, not as a regression", () => {
    const statuses = ["pass", "fail", "pass", "pass"] as const;
    const history = statuses.map((s, i) => nightly(i + 1, [ping(s)]));
    const comparison = compareWithHistory(history, nightly(5, [ping("fail")]));
    assert.deepEqual(comparison.regressions, []);
    const [cell] = comparison.flakes;
    assert.equal(cell?.kind, "flaky");
    assert.deepEqual(cell?.history, ["pass", "fail", "pass", "pass", "fail"]);
    assert.equal(cell?.flipRate, 3 / 4);
  });

  it("shows a test that flips as flaky, not as a regression of its failing cell", () => {
    const runs = ["pass", "fail", "pass"].map((t, i) =>
      nightly(i + 1, [ping("fail", { tests: { broken: "fail", wobbly: t as "pass" | "fail" } })]),
    );
    const current = nightly(4, [ping("fail", { tests: { broken: "fail", wobbly: "fail" } })]);
    const comparison = compareWithHistory(runs.slice(0, 19), current);
    assert.deepEqual(comparison.regressions, []);
    assert.deepEqual(comparison.stillFailing[0]?.tests, {
      regressions: [],
      fixes: [],
      flaky: ["suite > wobbly"],
    });
  });

  it("keeps infrastructure errors apart: they are neither flips nor the last result", () => {
    const history = ["pass", "error", "error"].map((s, i) =>
      nightly(i + 1, [ping(s as CellSpec["status"])]),
    );
    const comparison = compareWithHistory(history, nightly(4, [ping("fail")]));
    assert.deepEqual(
      comparison.regressions.map((c) => [c.key, c.before, c.lastGoodRunId]),
      [[KEY, "pass", "nightly-1"]],
    );
    const cell = runHistory([...history, nightly(4, [ping("pass")])]).cells.get(KEY);
    assert.deepEqual(cell && [cell.passes, cell.errors, cell.flips, cell.flaky], [2, 2, 0, false]);
  });

  it("keeps the newest 14 runs, the current one included", () => {
    const runs = Array.from({ length: 20 }, (_, i) => nightly(i + 1, [ping("pass")]));
    const current = runs[19]!;
    const comparison = compareWithHistory(runs.slice(0, 19), current);
    assert.equal(comparison.history.length, 13);
    assert.equal(comparison.history[12], "nightly-19");
    assert.equal(comparison.cells[0]?.history?.length, 14);
    assert.equal(
      runHistory(runs, 5).runIds.join(","),
      "nightly-16,nightly-17,nightly-18,nightly-19,nightly-20",
    );
  });

  it("keeps the current run last, whatever its start time and id", () => {
    const earlier = { ...nightly(2, [ping("pass")]), runId: "zz-earlier" };
    const current = { ...nightly(1, [ping("fail")]), runId: "aa-current" };
    const [cell] = compareRuns(earlier, current).cells;
    assert.deepEqual([cell?.kind, cell?.history], ["regression", ["pass", "fail"]]);
  });

  it("counts flips and flip rates per test", () => {
    const wobbly = track(["pass", "fail", "none", "pass", "flaky", "error"]);
    assert.deepEqual(
      [wobbly.passes, wobbly.failures, wobbly.flakes, wobbly.errors, wobbly.flips, wobbly.flaky],
      [2, 1, 1, 1, 3, true],
    );
    assert.equal(wobbly.flipRate, 1);
    const fixedOnce = track(["fail", "fail", "fail", "pass", "pass"]);
    assert.deepEqual([fixedOnce.flips, fixedOnce.flipRate, fixedOnce.flaky], [1, 1 / 4, false]);
  });
});

describe("what changed since a cell last passed", () => {
  it("tells two builds of one kernel version apart by their bytes", () => {
    const withSha = (status: CellSpec["status"], sha: string) => {
      const run = nightly(status === "pass" ? 1 : 2, [ping(status)]);
      const kernel = run.cells[0]?.attempts[0]?.machine?.kernel;
      if (kernel) kernel.sha256 = sha.repeat(64);
      return run;
    };
    const [cell] = compareRuns(withSha("pass", "e"), withSha("fail", "f")).regressions;
    assert.deepEqual(cell?.changes, [
      {
        input: "kernel",
        before: "6.12.107-1 (sha256:eeeeeeeeeeee)",
        after: "6.12.107-1 (sha256:ffffffffffff)",
      },
    ]);
  });
});
