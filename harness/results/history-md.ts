// A cell's history as a row of small squares, and the history section of summary.md: one row per
// cell of the run, then the tests that flip.
import { cellKey } from "./cell-status.ts";
import type { Mark, RunHistory, Track } from "./history.ts";
import type { RunRecord } from "./run-record.ts";

/** One square per run, oldest first. */
export const SQUARE: Record<Mark, string> = {
  pass: "🟩",
  fail: "🟥",
  flaky: "🟨",
  error: "⬛",
  none: "⬜",
};

/** The marks as squares, oldest first. */
export function historySquares(marks: readonly Mark[]): string {
  return marks.map((mark) => SQUARE[mark]).join("");
}

/** "3 flips in 13 (23%)" or "steady", for a table cell. */
export function flipText(track: Track): string {
  if (track.flips === 0) return "steady";
  return `${track.flips} ${track.flips === 1 ? "flip" : "flips"} (${Math.round(track.flipRate * 100)}%)`;
}

/** The history section of summary.md for the cells of `run`. */
export function historyMarkdown(history: RunHistory, run: RunRecord): string {
  const keys = [...new Set(run.cells.map(cellKey))];
  const lines = [
    `### History over the last ${history.runIds.length} runs`,
    "",
    `${SQUARE.pass} pass ${SQUARE.fail} fail ${SQUARE.flaky} flaky ${SQUARE.error} infrastructure error ${SQUARE.none} not run; oldest first, this run last.`,
    "",
    "| cell | runs | flips | errors |",
    "|---|---|---|---|",
  ];
  const flakyTests: string[] = [];
  for (const key of keys) {
    const cell = history.cells.get(key);
    if (!cell) continue;
    const shownKey = cell.flaky ? `\`${key}\` 🔁` : `\`${key}\``;
    lines.push(
      `| ${shownKey} | ${historySquares(cell.marks)} | ${flipText(cell)} | ${cell.errors} |`,
    );
    for (const [path, test] of cell.tests) {
      if (test.flaky)
        flakyTests.push(
          `- 🔁 \`${key}\` › ${path}: ${historySquares(test.marks)} ${flipText(test)}`,
        );
    }
  }
  lines.push("");
  if (flakyTests.length > 0) lines.push("Flaky tests:", "", ...flakyTests, "");
  return lines.join("\n");
}
