// A run set against earlier runs per cell (case, platform, arch, kernel): what regressed, what was
// fixed, what is flaky, what is new and what vanished. With several earlier runs, each cell is set
// against its own last run and its last good run (the newest where it passed), its tests against
// theirs, and a result that flips within the window counts as flaky, not as a regression or a fix.
import { inputChanges, type InputChange } from "./attribution.ts";
import {
  cellKey,
  combinedStatus,
  groupByKey,
  isFailingStatus,
  isPassingStatus,
} from "./cell-status.ts";
import {
  byAge,
  DEFAULT_WINDOW,
  runHistory,
  track,
  type CellHistory,
  type Mark,
} from "./history.ts";
import type { CellRecord, RunRecord } from "./run-record.ts";
import type { Status } from "./status.ts";
import { testDiff, type TestDiff } from "./test-diff.ts";
import { testVerdicts } from "./test-outcomes.ts";

export { cellKey, combinedStatus, isFailingStatus, isPassingStatus };

/** How a cell changed from the earlier runs to the current one. */
export type ChangeKind =
  "regression" | "fix" | "flaky" | "still-failing" | "new" | "vanished" | "unchanged";

/** One cell of the comparison. */
export interface CellDiff {
  /** "case/platform-arch-kernel": the cell without its repetition number. */
  key: string;
  case: string;
  platform: string;
  arch: string;
  kernel: string;
  kind: ChangeKind;
  /** The cell's status in the last earlier run that judged it (an infrastructure error only if nothing else). */
  before?: Status;
  after?: Status;
  /** True when the current run saw the cell fail and pass, or its result flips within the window. */
  flaky: boolean;
  /** The current run's cell ids behind this key (the repetitions). */
  cellIds: string[];
  /** Why the current (or, for vanished cells, the baseline) cell ended as it did. */
  reasons: string[];
  reproduce?: string;
  logsUrl?: string;
  /** The newest earlier run where the cell passed. */
  lastGoodRunId?: string;
  /** Tests that newly fail, were fixed or flip. */
  tests?: TestDiff;
  /** What differs between the last good run and this one (kernel, image, harness, case). */
  changes?: InputChange[];
  /** The cell's marks over the window, oldest first, the current run last. */
  history?: Mark[];
  /** Changes of result per run over the window. */
  flipRate?: number;
}

/** A run compared with earlier ones. */
export interface RunComparison {
  /** The newest earlier run (the one baseline of a two-run comparison). */
  baseline: { runId: string; logsUrl?: string };
  current: { runId: string; logsUrl?: string };
  /** The earlier runs' ids, oldest first. */
  history: string[];
  cells: CellDiff[];
  regressions: CellDiff[];
  fixes: CellDiff[];
  flakes: CellDiff[];
  added: CellDiff[];
  vanished: CellDiff[];
  stillFailing: CellDiff[];
}

/** Compares `current` with one `baseline` run, cell by cell, in the current run's order. */
export function compareRuns(baseline: RunRecord, current: RunRecord): RunComparison {
  return compareWithHistory([baseline], current);
}

/** Compares `current` with the newest `window - 1` of `earlier` runs (in any order, at least one). */
export function compareWithHistory(
  earlier: readonly RunRecord[],
  current: RunRecord,
  window = DEFAULT_WINDOW,
): RunComparison {
  const runs = byAge(earlier).slice(-Math.max(1, window - 1));
  const newest = runs[runs.length - 1];
  if (newest === undefined) throw new Error("a comparison needs an earlier run");
  const history = runHistory([...runs, current], window);
  const before = runs.map((run) => ({ run, groups: groupByKey(run.cells) })).reverse();
  const after = groupByKey(current.cells);
  const cells: CellDiff[] = [];
  for (const [key, group] of after) {
    const earlierGroups = before.flatMap(({ run, groups }) => {
      const cellsOfRun = groups.get(key);
      return cellsOfRun ? [{ run, cells: cellsOfRun }] : [];
    });
    cells.push(diffOf(key, earlierGroups, { run: current, cells: group }, history.cells.get(key)));
  }
  const latest = before[0]?.groups ?? new Map<string, CellRecord[]>();
  for (const [key, group] of latest) {
    if (!after.has(key)) cells.push(vanishedOf(key, group));
  }
  const of = (kind: ChangeKind) => cells.filter((c) => c.kind === kind);
  return {
    baseline: runRef(newest),
    current: runRef(current),
    history: runs.map((r) => r.runId),
    cells,
    regressions: of("regression"),
    fixes: of("fix"),
    flakes: cells.filter((c) => c.flaky),
    added: of("new"),
    vanished: of("vanished"),
    stillFailing: of("still-failing"),
  };
}

type CellInRun = { run: RunRecord; cells: CellRecord[] };

function diffOf(
  key: string,
  earlier: readonly CellInRun[],
  now: CellInRun,
  history: CellHistory | undefined,
): CellDiff {
  const statusOf = (side: CellInRun) => combinedStatus(side.cells.map((c) => c.status));
  const judged = earlier.filter((side) => statusOf(side) !== "error" && markable(statusOf(side)));
  const previous = judged[0] ?? earlier.find((side) => markable(statusOf(side))) ?? earlier[0];
  const lastGood = earlier.find((side) => isPassingStatus(statusOf(side)));
  const was = previous && statusOf(previous);
  const after = statusOf(now);
  const tests = testDiff(
    testVerdicts(now.cells),
    judged.map((side) => testVerdicts(side.cells)),
    history?.tests,
  );
  let kind = kindOf(was, after);
  if (kind === "still-failing" && tests.regressions.length > 0) kind = "regression";
  const flaky = after === "flaky" || (history?.flaky ?? false);
  if (flipsBack(history) && (kind === "regression" || kind === "fix")) kind = "flaky";
  const failing = isFailingStatus(after);
  return {
    ...base(key, now.cells),
    kind,
    ...(was === undefined ? {} : { before: was }),
    after,
    flaky,
    cellIds: now.cells.map((c) => c.id),
    ...(lastGood ? { lastGoodRunId: lastGood.run.runId } : {}),
    ...(hasAny(tests) ? { tests } : {}),
    ...(failing && lastGood ? { changes: inputChanges(lastGood, now) } : {}),
    ...(history ? { history: history.marks, flipRate: history.flipRate } : {}),
  };
}

// A result that flips back within the window; this run being flaky (a retry passed) is not enough
// to call a fix from a failing run flaky.
function flipsBack(history: CellHistory | undefined): boolean {
  if (!history) return false;
  const last = history.marks.length - 1;
  return track(history.marks.map((m, i) => (i === last && m === "flaky" ? "none" : m))).flaky;
}

// Skipped and cancelled cells say nothing about whether the cell works.
function markable(status: Status): boolean {
  return status !== "skip" && status !== "cancel";
}

function vanishedOf(key: string, cells: CellRecord[]): CellDiff {
  return {
    ...base(key, cells),
    kind: "vanished",
    before: combinedStatus(cells.map((c) => c.status)),
    flaky: false,
    cellIds: [],
  };
}

function base(key: string, cells: readonly CellRecord[]) {
  const telling = cells.find((c) => isFailingStatus(c.status)) ?? cells[0];
  return {
    key,
    case: telling?.case ?? "",
    platform: telling?.platform ?? "",
    arch: telling?.arch ?? "",
    kernel: telling?.kernel ?? "",
    reasons: telling?.reasons ?? [],
    ...(telling?.reproduce ? { reproduce: telling.reproduce } : {}),
    ...(telling?.logsUrl ? { logsUrl: telling.logsUrl } : {}),
  };
}

function hasAny(tests: TestDiff): boolean {
  return tests.regressions.length + tests.fixes.length + tests.flaky.length > 0;
}

function runRef(run: RunRecord & { logsUrl?: string }) {
  return { runId: run.runId, ...(run.logsUrl === undefined ? {} : { logsUrl: run.logsUrl }) };
}

function kindOf(before: Status | undefined, after: Status): ChangeKind {
  if (before === undefined) return "new";
  if (isPassingStatus(before) && isFailingStatus(after)) return "regression";
  if (isFailingStatus(before) && isPassingStatus(after)) return "fix";
  if (isFailingStatus(before) && isFailingStatus(after)) return "still-failing";
  return "unchanged";
}
