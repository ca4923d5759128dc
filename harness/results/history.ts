// Pass/fail history per cell and per test over the last N runs: a mark per run, the flip rate, and
// whether the result is flaky (it flipped back within the window, or a run saw it fail and pass).
// Infrastructure errors are counted apart and never count as a flip.
import { combinedStatus, groupByKey } from "./cell-status.ts";
import type { CellRecord, RunRecord } from "./run-record.ts";
import type { Status } from "./status.ts";
import { testVerdicts } from "./test-outcomes.ts";

/** How many runs the history covers unless told otherwise. */
export const DEFAULT_WINDOW = 14;

/** One run's result for a cell or test; "none" when it did not run (absent, skipped, cancelled). */
export type Mark = "pass" | "fail" | "flaky" | "error" | "none";

/** A cell's or test's marks over the window, oldest first, and what they add up to. */
export interface Track {
  marks: Mark[];
  passes: number;
  failures: number;
  flakes: number;
  errors: number;
  /** Changes between consecutive judged marks, plus runs that saw both results. */
  flips: number;
  /** flips per judged run after the first: 0 steady, 1 flips every run. */
  flipRate: number;
  /** True when a result flipped back (pass-fail-pass, fail-pass-fail) or a run was flaky. */
  flaky: boolean;
}

/** A cell's history and each of its tests'. */
export interface CellHistory extends Track {
  key: string;
  tests: Map<string, Track>;
}

/** The history of a window of runs. */
export interface RunHistory {
  /** The runs' ids, oldest first, one per mark. */
  runIds: string[];
  cells: Map<string, CellHistory>;
}

/** Orders runs oldest first by start time, then id. */
export function byAge(runs: readonly RunRecord[]): RunRecord[] {
  return [...runs].sort(
    (a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId),
  );
}

/** The history of the last `window` of `runs` (oldest first, see byAge) for every cell they hold. */
export function runHistory(runs: readonly RunRecord[], window = DEFAULT_WINDOW): RunHistory {
  const kept = runs.slice(-Math.max(1, window));
  const groups = kept.map((run) => groupByKey(run.cells));
  const keys = [...new Set(groups.flatMap((g) => [...g.keys()]))];
  const cells = new Map<string, CellHistory>();
  for (const key of keys) {
    const perRun = groups.map((g) => g.get(key));
    const marks = perRun.map((cells) => cellMark(cells));
    const testMarks = new Map<string, Mark[]>();
    perRun.forEach((group, index) => {
      if (group === undefined || marks[index] === "error") return;
      for (const [path, verdict] of testVerdicts(group)) {
        const list = testMarks.get(path) ?? new Array<Mark>(kept.length).fill("none");
        list[index] = verdict;
        testMarks.set(path, list);
      }
    });
    const tests = new Map([...testMarks].map(([path, list]) => [path, track(list)]));
    cells.set(key, { key, ...track(marks), tests });
  }
  return { runIds: kept.map((r) => r.runId), cells };
}

/** A run's mark for a cell from the statuses of its repetitions. */
export function markOf(status: Status | undefined): Mark {
  switch (status) {
    case "pass":
    case "flaky":
    case "error":
      return status;
    case "fail":
    case "timeout":
      return "fail";
    default:
      return "none";
  }
}

/** Adds up a list of marks, oldest first. */
export function track(marks: readonly Mark[]): Track {
  const count = (mark: Mark) => marks.filter((m) => m === mark).length;
  const judged = marks.filter((m) => m === "pass" || m === "fail");
  let flips = count("flaky");
  for (let i = 1; i < judged.length; i++) if (judged[i] !== judged[i - 1]) flips++;
  const observed = judged.length + count("flaky");
  const flippedBack = judged.some(
    (m, i) => i > 0 && judged[i - 1] !== m && judged[i + 1] === judged[i - 1],
  );
  return {
    marks: [...marks],
    passes: count("pass"),
    failures: count("fail"),
    flakes: count("flaky"),
    errors: count("error"),
    flips,
    flipRate: observed > 1 ? Math.min(1, flips / (observed - 1)) : 0,
    flaky: count("flaky") > 0 || flippedBack,
  };
}

function cellMark(cells: readonly CellRecord[] | undefined): Mark {
  return cells === undefined ? "none" : markOf(combinedStatus(cells.map((c) => c.status)));
}
