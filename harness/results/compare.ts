// Two runs set side by side per cell (case, platform, arch, kernel): what regressed, what was fixed,
// what is flaky, what is new and what vanished. Repetitions of a cell are judged together.
import type { CellRecord, RunRecord } from "./run-record.ts";
import type { Status } from "./status.ts";

/** How a cell changed from the baseline to the current run. */
export type ChangeKind = "regression" | "fix" | "still-failing" | "new" | "vanished" | "unchanged";

/** One cell of the comparison. */
export interface CellDiff {
  /** "case/platform-arch-kernel": the cell without its repetition number. */
  key: string;
  case: string;
  platform: string;
  arch: string;
  kernel: string;
  kind: ChangeKind;
  before?: Status;
  after?: Status;
  /** True when the current run saw the cell fail and pass (status flaky, or repetitions disagree). */
  flaky: boolean;
  /** The current run's cell ids behind this key (the repetitions). */
  cellIds: string[];
  /** Why the current (or, for vanished cells, the baseline) cell ended as it did. */
  reasons: string[];
  reproduce?: string;
  logsUrl?: string;
}

/** Two runs compared. */
export interface RunComparison {
  baseline: { runId: string; logsUrl?: string };
  current: { runId: string; logsUrl?: string };
  cells: CellDiff[];
  regressions: CellDiff[];
  fixes: CellDiff[];
  flakes: CellDiff[];
  added: CellDiff[];
  vanished: CellDiff[];
  stillFailing: CellDiff[];
}

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

/** Compares `current` with `baseline`, cell by cell, in the current run's order. */
export function compareRuns(baseline: RunRecord, current: RunRecord): RunComparison {
  const before = groupByKey(baseline.cells);
  const after = groupByKey(current.cells);
  const cells: CellDiff[] = [];
  for (const [key, group] of after) cells.push(diffOf(key, before.get(key), group));
  for (const [key, group] of before) if (!after.has(key)) cells.push(diffOf(key, group, undefined));
  const of = (kind: ChangeKind) => cells.filter((c) => c.kind === kind);
  return {
    baseline: runRef(baseline),
    current: runRef(current),
    cells,
    regressions: of("regression"),
    fixes: of("fix"),
    flakes: cells.filter((c) => c.flaky),
    added: of("new"),
    vanished: of("vanished"),
    stillFailing: of("still-failing"),
  };
}

function runRef(run: RunRecord & { logsUrl?: string }) {
  return { runId: run.runId, ...(run.logsUrl === undefined ? {} : { logsUrl: run.logsUrl }) };
}

function groupByKey(cells: readonly CellRecord[]): Map<string, CellRecord[]> {
  const groups = new Map<string, CellRecord[]>();
  for (const cell of cells) {
    const key = cellKey(cell);
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return groups;
}

function diffOf(key: string, before?: CellRecord[], after?: CellRecord[]): CellDiff {
  const was = before && combinedStatus(before.map((c) => c.status));
  const now = after && combinedStatus(after.map((c) => c.status));
  const shown = after ?? before ?? [];
  const telling = shown.find((c) => isFailingStatus(c.status)) ?? shown[0];
  return {
    key,
    case: telling?.case ?? "",
    platform: telling?.platform ?? "",
    arch: telling?.arch ?? "",
    kernel: telling?.kernel ?? "",
    kind: kindOf(was, now),
    ...(was === undefined ? {} : { before: was }),
    ...(now === undefined ? {} : { after: now }),
    flaky: now === "flaky",
    cellIds: (after ?? []).map((c) => c.id),
    reasons: telling?.reasons ?? [],
    ...(telling?.reproduce ? { reproduce: telling.reproduce } : {}),
    ...(telling?.logsUrl ? { logsUrl: telling.logsUrl } : {}),
  };
}

function kindOf(before: Status | undefined, after: Status | undefined): ChangeKind {
  if (before === undefined) return "new";
  if (after === undefined) return "vanished";
  if (isPassingStatus(before) && isFailingStatus(after)) return "regression";
  if (isFailingStatus(before) && isPassingStatus(after)) return "fix";
  if (isFailingStatus(before) && isFailingStatus(after)) return "still-failing";
  return "unchanged";
}
