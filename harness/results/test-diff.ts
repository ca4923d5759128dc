// Test-level diff of one cell: which TAP tests newly fail (a regression even inside a cell that was
// failing already), which were fixed, and which flip and so count as flaky rather than either.
import type { Track } from "./history.ts";
import type { TestVerdict } from "./test-outcomes.ts";

/** Tests by path that changed since their last run. */
export interface TestDiff {
  /** Failing now, passed the last time they ran. */
  regressions: string[];
  /** Passing now, failed the last time they ran. */
  fixes: string[];
  /** Failed and passed in this run, or flip within the history window. */
  flaky: string[];
}

/**
 * `now`: this run's verdicts; `earlier`: the verdicts of earlier runs of the cell, newest first
 * (runs with an infrastructure error left out); `tracks`: each test's history, for flakiness.
 */
export function testDiff(
  now: ReadonlyMap<string, TestVerdict>,
  earlier: readonly ReadonlyMap<string, TestVerdict>[],
  tracks: ReadonlyMap<string, Track> = new Map(),
): TestDiff {
  const diff: TestDiff = { regressions: [], fixes: [], flaky: [] };
  for (const [path, verdict] of now) {
    const before = earlier.map((run) => run.get(path)).find((v) => v !== undefined);
    if (verdict === "flaky" || tracks.get(path)?.flaky) {
      if (verdict === "flaky" || (before !== undefined && before !== verdict))
        diff.flaky.push(path);
      continue;
    }
    if (verdict === "fail" && (before === "pass" || before === "flaky"))
      diff.regressions.push(path);
    if (verdict === "pass" && before === "fail") diff.fixes.push(path);
  }
  return diff;
}
