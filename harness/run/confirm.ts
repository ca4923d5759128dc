// Regressions confirmed before anyone is told: each regressed cell was re-run; one that passed any
// re-run becomes flaky, one that failed every re-run stays failing. The re-runs join its attempts.
import { cellKey, isFailingStatus, isPassingStatus, type CellDiff } from "../results/compare.ts";
import type { AttemptRecord, CellRecord, RunRecord } from "../results/run-record.ts";
import { countStatuses, exitCodeFor } from "../results/status.ts";
import { EXIT } from "../errors.ts";

/** What the re-runs of one regressed cell showed. */
export interface ConfirmVerdict {
  key: string;
  reruns: number;
  passed: number;
  failed: number;
  /** True when no re-run passed: the regression stands. */
  confirmed: boolean;
}

/** The run with its regressed cells judged by `rerun`, and the verdict per cell. */
export function applyConfirmation(
  run: RunRecord,
  regressions: readonly CellDiff[],
  rerun: RunRecord,
): { run: RunRecord; verdicts: ConfirmVerdict[] } {
  const verdicts = regressions.map((diff) => verdictOf(diff.key, rerun));
  const byKey = new Map(verdicts.map((v) => [v.key, v]));
  const cells = run.cells.map((cell) => {
    const verdict = byKey.get(cellKey(cell));
    if (!verdict || !isFailingStatus(cell.status)) return cell;
    const reruns = rerun.cells.filter((c) => cellKey(c) === verdict.key);
    return judged(cell, verdict, reruns, rerun.runId);
  });
  const statuses = cells.map((c) => c.status);
  return {
    run: {
      ...run,
      cells,
      counts: countStatuses(statuses),
      exitCode: run.state === "interrupted" ? EXIT.interrupted : exitCodeFor(statuses),
    },
    verdicts,
  };
}

function verdictOf(key: string, rerun: RunRecord): ConfirmVerdict {
  const statuses = rerun.cells.filter((c) => cellKey(c) === key).map((c) => c.status);
  const passed = statuses.filter(isPassingStatus).length;
  const failed = statuses.filter(isFailingStatus).length;
  return { key, reruns: statuses.length, passed, failed, confirmed: passed === 0 };
}

function judged(
  cell: CellRecord,
  verdict: ConfirmVerdict,
  reruns: readonly CellRecord[],
  rerunId: string,
): CellRecord {
  const { reruns: n, passed, failed } = verdict;
  const reason =
    n === 0
      ? `regression not re-run: run ${rerunId} had no such cell, so it stands`
      : verdict.confirmed
        ? `regression confirmed: failed ${failed} of ${n} re-runs (run ${rerunId})`
        : `regression not confirmed: passed ${passed} of ${n} re-runs (run ${rerunId})`;
  const attempts: AttemptRecord[] = [...cell.attempts];
  for (const attempt of reruns.flatMap((c) => c.attempts)) {
    attempts.push({ ...attempt, number: attempts.length + 1 });
  }
  return {
    ...cell,
    status: verdict.confirmed ? cell.status : "flaky",
    reasons: [reason, ...cell.reasons],
    attempts,
  };
}
