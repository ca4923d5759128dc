// A cell's TAP tree reduced to one verdict per test path, for diffs and history across runs: leaves,
// and failing points none of whose subtests failed (their own line is the failure).
import type { CellRecord } from "./run-record.ts";
import { isFailing, type TestPoint } from "./tap-point.ts";

/** A test's verdict in one run: repetitions that disagree make it flaky. */
export type TestVerdict = "pass" | "fail" | "flaky";

/** The separator of a test's path in reports: "suite > case". */
export const PATH_SEPARATOR = " > ";

/** Each judged test of a cell's repetitions by path; skips, TODOs and XFAILs are left out. */
export function testVerdicts(cells: readonly CellRecord[]): Map<string, TestVerdict> {
  const seen = new Map<string, Set<"pass" | "fail">>();
  for (const cell of cells) {
    for (const point of judgedPoints(cell.tests)) {
      const path = (point.path.length > 0 ? point.path : [point.name]).join(PATH_SEPARATOR);
      const verdict = isFailing(point.outcome) ? "fail" : "pass";
      seen.set(path, (seen.get(path) ?? new Set()).add(verdict));
    }
  }
  const verdicts = new Map<string, TestVerdict>();
  for (const [path, set] of seen) verdicts.set(path, set.size > 1 ? "flaky" : [...set][0]!);
  return verdicts;
}

function* judgedPoints(points: readonly TestPoint[]): Generator<TestPoint> {
  for (const point of points) {
    const failingChild = point.children.some((child) => isFailing(child.outcome));
    if (point.children.length > 0) yield* judgedPoints(point.children);
    if (point.outcome === "pass" && point.children.length > 0) continue;
    if (isFailing(point.outcome) && failingChild) continue;
    if (point.outcome === "pass" || isFailing(point.outcome)) yield point;
  }
}
