// The check run's title and Markdown summary: counts, a link to the logs, and every cell that did
// not pass with its reason, its logs and the command that runs it again.
import { formatDuration } from "../util/duration.ts";
import type { LinkedCell, LinkedRun } from "./links.ts";
import { countsPhrase } from "./status-text.ts";
import { ICON } from "../results/summary-md.ts";

/** GitHub's limit on a check run's summary. */
export const SUMMARY_LIMIT = 65_535;

/** The check run's title: the counts. */
export function checkTitle(run: LinkedRun): string {
  const interrupted = run.state === "interrupted" ? " (interrupted)" : "";
  return `${run.cells.length} cells: ${countsPhrase(run.cells)}${interrupted}`;
}

/** The check run's summary, within SUMMARY_LIMIT (rows past it are counted, not shown). */
export function checkSummary(run: LinkedRun): string {
  const logs = run.logsUrl === undefined ? "" : ` · [logs](${run.logsUrl})`;
  const head = [
    `**harness run \`${run.runId}\`** — ${checkTitle(run)} in ${formatDuration(run.durationMs)}${logs}`,
    "",
  ];
  const notPassed = run.cells.filter((c) => c.status !== "pass" && c.status !== "skip");
  if (notPassed.length === 0) return head.join("\n");
  const table = ["| status | cell | why | logs |", "|---|---|---|---|"];
  const reproduce: string[] = [];
  let length = head.join("\n").length + 200;
  let shown = 0;
  for (const cell of notPassed) {
    const row = tableRow(cell);
    const command = cell.reproduce;
    if (length + row.length + command.length + 2 > SUMMARY_LIMIT - 200) break;
    table.push(row);
    reproduce.push(command);
    length += row.length + command.length + 2;
    shown++;
  }
  const more =
    shown < notPassed.length
      ? [`… and ${notPassed.length - shown} more cells, see run.json.`, ""]
      : [];
  return [
    ...head,
    ...table,
    "",
    ...more,
    "<details><summary>Run the failing cells again</summary>",
    "",
    "```sh",
    ...reproduce,
    "```",
    "</details>",
    "",
  ].join("\n");
}

function tableRow(cell: LinkedCell): string {
  const why = (cell.reasons[0] ?? "").replace(/\|/g, "\\|").replace(/\s+/g, " ").slice(0, 300);
  const logs = cell.logsUrl === undefined ? "" : `[logs](${cell.logsUrl})`;
  return `| ${ICON[cell.status] ?? ""} ${cell.status} | \`${cell.id}\` | ${why} | ${logs} |`;
}
