// What a cell's statuses mean across runs: its identity without the repetition, one status for all
// its repetitions, and which statuses pass or fail.
import type { CellRecord } from "./run-record.ts";
import type { Status } from "./status.ts";

const FAILING: ReadonlySet<Status> = new Set(["fail", "error", "timeout"]);
const PASSING: ReadonlySet<Status> = new Set(["pass", "flaky"]);
/** When repetitions disagree, the first status in this order speaks for them. */
const PRECEDENCE: readonly Status[] = [
  "fail",
  "timeout",
  "error",
  "flaky",
  "cancel",
  "pass",
  "skip",
];

/** True for statuses that fail a run: fail, error, timeout. */
export function isFailingStatus(status: Status): boolean {
  return FAILING.has(status);
}

/** True for statuses that count as passing: pass, flaky. */
export function isPassingStatus(status: Status): boolean {
  return PASSING.has(status);
}

/** The cell's identity across runs: its id without the repetition suffix. */
export function cellKey(cell: Pick<CellRecord, "case" | "platform" | "arch" | "kernel">): string {
  return `${cell.case || "root"}/${cell.platform}-${cell.arch}-${cell.kernel}`;
}

/** One status for all repetitions of a cell: failing and passing ones together make it flaky. */
export function combinedStatus(statuses: readonly Status[]): Status {
  if (statuses.some(isFailingStatus) && statuses.some(isPassingStatus)) return "flaky";
  return PRECEDENCE.find((s) => statuses.includes(s)) ?? "skip";
}

/** A run's cells grouped by key (the repetitions of a cell together), in the run's order. */
export function groupByKey(cells: readonly CellRecord[]): Map<string, CellRecord[]> {
  const groups = new Map<string, CellRecord[]>();
  for (const cell of cells) {
    const key = cellKey(cell);
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return groups;
}
