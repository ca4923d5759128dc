// summary.md: the run in a few lines of Markdown, for GitHub job summaries.
import type { RunRecord } from "./run-record.ts";
import { STATUSES } from "./status.ts";
import { formatDuration } from "../util/duration.ts";

/** A status as a small picture, for Markdown tables. */
export const ICON: Record<string, string> = {
  pass: "✅",
  fail: "❌",
  timeout: "⏱️",
  error: "💥",
  flaky: "🔁",
  cancel: "🚫",
  skip: "⏭️",
};

/** The run as Markdown: counts, then every cell that did not pass with its reason and reproduction. */
export function summaryMarkdown(run: RunRecord): string {
  const counts = STATUSES.filter((s) => run.counts[s] > 0).map(
    (s) => `${ICON[s]} ${run.counts[s]} ${s}`,
  );
  const lines = [
    `## harness run ${run.runId}${run.state === "interrupted" ? " (interrupted)" : ""}`,
    "",
    `${run.cells.length} cells in ${formatDuration(run.durationMs)}: ${counts.join(" · ") || "nothing ran"}`,
    "",
  ];
  const notPassed = run.cells.filter((c) => c.status !== "pass" && c.status !== "skip");
  if (notPassed.length > 0) {
    lines.push("| status | cell | why | reproduce |", "|---|---|---|---|");
    for (const cell of notPassed) {
      const why = (cell.reasons[0] ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ").slice(0, 200);
      lines.push(
        `| ${ICON[cell.status]} ${cell.status} | \`${cell.id}\` | ${why} | \`${cell.reproduce}\` |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}
