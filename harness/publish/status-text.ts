// What a status says: the state of a set of cells and a description within GitHub's 140 characters
// that carries the counts, or the most telling error line when something went wrong.
import type { CellRecord, RunRecord } from "../results/run-record.ts";
import type { Status } from "../results/status.ts";

/** A commit status state. */
export type CommitState = "pending" | "success" | "failure" | "error";

/** GitHub refuses longer descriptions. */
export const DESCRIPTION_LIMIT = 140;

const PHRASES: readonly [Status, string][] = [
  ["fail", "failed"],
  ["timeout", "timed out"],
  ["error", "errors"],
  ["flaky", "flaky"],
  ["pass", "passed"],
  ["cancel", "cancelled"],
  ["skip", "skipped"],
];
/** Most telling first: a failed test over a timeout over an infrastructure error. */
const TELLING: readonly Status[] = ["fail", "timeout", "error"];

/** The state of some cells of an interrupted or complete run. */
export function cellsState(
  cells: readonly Pick<CellRecord, "status">[],
  interrupted: boolean,
): CommitState {
  if (cells.some((c) => c.status === "fail" || c.status === "timeout")) return "failure";
  if (interrupted || cells.some((c) => c.status === "error")) return "error";
  return "success";
}

/** Counts as people say them: "4 passed, 5 failed, 1 skipped". */
export function countsPhrase(cells: readonly Pick<CellRecord, "status">[]): string {
  const parts = PHRASES.map(([status, phrase]) => {
    const n = cells.filter((c) => c.status === status).length;
    return n === 0 ? "" : `${n} ${n === 1 ? phrase.replace(/s$/, "") : phrase}`;
  }).filter((p) => p !== "");
  return parts.join(", ") || "nothing ran";
}

/** The first line of the most telling reason among failing cells, with its case. */
export function tellingLine(cells: readonly CellRecord[]): string | undefined {
  for (const status of TELLING) {
    const cell = cells.find((c) => c.status === status);
    if (!cell) continue;
    const reason = (
      cell.reasons
        .join("\n")
        .split("\n")
        .find((l) => l.trim() !== "") ?? status
    ).trim();
    return `${cell.case}: ${reason}`;
  }
  return undefined;
}

/** The description for a final state, before redaction and fitting (fitDescription). */
export function describeCells(
  cells: readonly CellRecord[],
  state: CommitState,
  interrupted: boolean,
): string {
  const total = `${cells.length} cell${cells.length === 1 ? "" : "s"}`;
  const counts = countsPhrase(cells);
  const prefix = interrupted ? "interrupted: " : "";
  const telling = state === "success" ? undefined : tellingLine(cells);
  return telling
    ? `${prefix}${counts} of ${cells.length} — ${telling}`
    : `${prefix}${total}: ${counts}`;
}

/** The description while a run is going. */
export function describePending(platform: string | undefined): string {
  return platform ? `running on ${platform}` : "running";
}

/** One line within DESCRIPTION_LIMIT UTF-16 units (stricter than GitHub's characters), cut with "…". */
export function fitDescription(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (line.length <= DESCRIPTION_LIMIT) return line;
  let out = "";
  for (const char of line) {
    if (out.length + char.length > DESCRIPTION_LIMIT - 1) break;
    out += char;
  }
  return `${out.trimEnd()}…`;
}

/** The state of the whole run, for harness/summary and the check run. */
export function runState(run: RunRecord): CommitState {
  return cellsState(run.cells, run.state === "interrupted");
}
