// The terminal view of a run: one line per finished cell, failure details with a reproduction command, totals.
import type { Writable } from "node:stream";
import { join } from "node:path";
import type { CellRecord, RunRecord } from "../results/run-record.ts";
import type { Status } from "../results/status.ts";
import { formatDuration } from "../util/duration.ts";
import { findingReason } from "../results/kernel-findings.ts";

const LABEL: Record<Status, string> = {
  pass: "PASS",
  fail: "FAIL",
  error: "ERROR",
  timeout: "TIMEOUT",
  skip: "SKIP",
  cancel: "CANCEL",
  flaky: "FLAKY",
};

const MAX_REASONS = 5;

/** Writes one line for a finished cell, and for failures the reasons and the reproduction command. */
export function printCell(out: Writable, cell: CellRecord, runDir?: string): void {
  out.write(
    `${LABEL[cell.status].padEnd(7)} ${formatDuration(cell.durationMs).padStart(7)}  ${cell.id}\n`,
  );
  // A pass with an allowed kernel WARNING says so: the WARNING is still in run.json and the report.
  for (const finding of cell.attempts.at(-1)?.kernelFindings ?? []) {
    if (finding.allowedBy)
      out.write(`          allowed (${finding.allowedBy.reason}): ${findingReason(finding)}\n`);
  }
  if (cell.status === "pass") return;
  for (const reason of cell.reasons.slice(0, MAX_REASONS))
    out.write(`          ${reason.split("\n")[0]}\n`);
  if (cell.reasons.length > MAX_REASONS)
    out.write(`          … ${cell.reasons.length - MAX_REASONS} more in run.json\n`);
  if (cell.status === "skip" || cell.status === "cancel") return;
  out.write(`          reproduce: ${cell.reproduce}\n`);
  const commandFile = cell.attempts.at(-1)?.machine?.commandFile;
  if (commandFile && runDir)
    out.write(`          by hand:   sh ${join(runDir, cell.dir, commandFile)}\n`);
}

/** The closing totals line, e.g. "8 cells: 6 passed, 1 failed, 1 skipped in 12.3s — logs/…". */
export function totalsLine(run: RunRecord, runDir: string): string {
  const words: Record<Status, string> = {
    pass: "passed",
    fail: "failed",
    error: "errors",
    timeout: "timed out",
    skip: "skipped",
    cancel: "cancelled",
    flaky: "flaky",
  };
  const order: Status[] = ["pass", "fail", "timeout", "error", "flaky", "cancel", "skip"];
  const parts = order
    .filter((s) => run.counts[s] > 0 || s === "pass" || s === "fail")
    .map((s) => `${run.counts[s]} ${words[s]}`);
  const state = run.state === "interrupted" ? " (interrupted)" : "";
  return `${run.cells.length} cells: ${parts.join(", ")} in ${formatDuration(run.durationMs)}${state} — ${runDir}`;
}
