// A run set against a baseline run for the report: which of its cells newly fail and which were
// fixed. The comparison itself is results/compare.ts; this marks the current run's cells by id.
import { compareRuns, isFailingStatus } from "../results/compare.ts";
import type { CellRecord, RunRecord } from "../results/run-record.ts";
import type { Status } from "../results/status.ts";

export { isFailingStatus };

/** How a cell changed since the baseline. */
export type Change = "new-failure" | "fixed";

/** The baseline's id and each changed cell of the current run. */
export interface BaselineDiff {
  baselineRunId: string;
  changes: Map<string, { change: Change; before: Status }>;
  newFailures: CellRecord[];
  fixes: CellRecord[];
}

/** New failures (passed in the baseline, failing now) and fixes (failing then, passing now). */
export function compareWithBaseline(run: RunRecord, baseline: RunRecord): BaselineDiff {
  const comparison = compareRuns(baseline, run);
  const byId = new Map(run.cells.map((cell) => [cell.id, cell]));
  const diff: BaselineDiff = {
    baselineRunId: baseline.runId,
    changes: new Map(),
    newFailures: [],
    fixes: [],
  };
  const mark = (change: Change, before: Status, ids: readonly string[]) => {
    for (const cell of ids.map((id) => byId.get(id))) {
      if (!cell || (change === "new-failure" && !isFailingStatus(cell.status))) continue;
      diff.changes.set(cell.id, { change, before });
      (change === "fixed" ? diff.fixes : diff.newFailures).push(cell);
    }
  };
  for (const cell of comparison.cells) {
    if (cell.before === undefined) continue;
    if (cell.kind === "regression") mark("new-failure", cell.before, cell.cellIds);
    if (cell.kind === "fix") mark("fixed", cell.before, cell.cellIds);
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
