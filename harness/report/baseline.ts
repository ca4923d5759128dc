// A run set against a baseline run: which cells newly fail and which were fixed, matched by cell id.
import type { CellRecord, RunRecord } from "../results/run-record.ts";
import type { Status } from "../results/status.ts";

/** How a cell changed since the baseline. */
export type Change = "new-failure" | "fixed";

/** The baseline's id and each changed cell of the current run. */
export interface BaselineDiff {
  baselineRunId: string;
  changes: Map<string, { change: Change; before: Status }>;
  newFailures: CellRecord[];
  fixes: CellRecord[];
}

const FAILING: ReadonlySet<Status> = new Set(["fail", "error", "timeout"]);
const PASSING: ReadonlySet<Status> = new Set(["pass", "flaky"]);

/** True for statuses that fail a run. */
export function isFailingStatus(status: Status): boolean {
  return FAILING.has(status);
}

/** New failures (passed in the baseline, failing now) and fixes (failing then, passing now). */
export function compareWithBaseline(run: RunRecord, baseline: RunRecord): BaselineDiff {
  const before = new Map(baseline.cells.map((cell) => [cell.id, cell.status]));
  const diff: BaselineDiff = {
    baselineRunId: baseline.runId,
    changes: new Map(),
    newFailures: [],
    fixes: [],
  };
  for (const cell of run.cells) {
    const was = before.get(cell.id);
    if (was === undefined) continue;
    if (PASSING.has(was) && FAILING.has(cell.status)) {
      diff.changes.set(cell.id, { change: "new-failure", before: was });
      diff.newFailures.push(cell);
    } else if (FAILING.has(was) && PASSING.has(cell.status)) {
      diff.changes.set(cell.id, { change: "fixed", before: was });
      diff.fixes.push(cell);
    }
  }
  return diff;
}

/** The comparison as Markdown, appended to summary.md. */
export function baselineMarkdown(diff: BaselineDiff): string {
  const lines = [
    `### Compared with ${diff.baselineRunId}: ${plural(diff.newFailures.length, "new failure")}, ${plural(diff.fixes.length, "fix", "fixes")}`,
    "",
  ];
  for (const cell of diff.newFailures)
    lines.push(`- ❌ new failure: \`${cell.id}\` (${cell.status})`);
  for (const cell of diff.fixes) lines.push(`- ✅ fixed: \`${cell.id}\``);
  if (diff.newFailures.length + diff.fixes.length > 0) lines.push("");
  return lines.join("\n");
}

/** "1 fix", "2 fixes". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
