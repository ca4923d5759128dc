// The terminal view of a run: the header, one line per finished cell, failure details (with the failing
// tests' own diagnostics) and a reproduction command, the totals naming the report.
import type { Writable } from "node:stream";
import { join } from "node:path";
import type { CellRecord, RunRecord } from "../results/run-record.ts";
import { failingTests, type Status } from "../results/status.ts";
import type { TestPoint } from "../results/tap.ts";
import { formatDuration } from "../util/duration.ts";
import { findingReason } from "../results/kernel-findings.ts";
import { plural } from "./baseline.ts";
import type { RunStart } from "./progress/renderer.ts";

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
/** Diagnostic lines shown per failing test; run.json and the report have the rest. */
const MAX_DIAGNOSTICS = 8;

/** The run's first line: its id, how many cells, and where its logs go. */
export function headerLine(run: RunStart): string {
  return `harness run ${run.runId}: ${plural(run.total, "cell")}, ${run.parallel} at once — logs in ${run.runDir}`;
}

/** Options of `printCell`: `group` folds the details into a GitHub Actions log group. */
export interface PrintCellOptions {
  runDir?: string;
  group?: boolean;
}

/** Writes one line for a finished cell, and for failures the reasons and the reproduction command. */
export function printCell(out: Writable, cell: CellRecord, options: PrintCellOptions = {}): void {
  const { runDir, group } = options;
  out.write(
    `${LABEL[cell.status].padEnd(7)} ${formatDuration(cell.durationMs).padStart(7)}  ${cell.id}\n`,
  );
  // A pass with an allowed kernel WARNING says so: the WARNING is still in run.json and the report.
  for (const finding of cell.attempts.at(-1)?.kernelFindings ?? []) {
    if (finding.allowedBy)
      out.write(`          allowed (${finding.allowedBy.reason}): ${findingReason(finding)}\n`);
  }
  if (cell.status === "pass") return;
  const folded = group === true && cell.status !== "skip" && cell.status !== "cancel";
  // The group's title stays visible when the group is folded, so it carries the first reason.
  if (folded) out.write(`::group::${(cell.reasons[0] ?? cell.status).split("\n")[0]}\n`);
  const explained = diagnosedTests(cell.tests);
  for (const reason of cell.reasons.slice(0, MAX_REASONS)) {
    out.write(`          ${reason.split("\n")[0]}\n`);
    const test = explained.find((t) => reason.startsWith(`${t.outcome}: ${t.path.join(" > ")}`));
    if (test) writeDiagnostics(out, test);
  }
  if (cell.reasons.length > MAX_REASONS)
    out.write(`          … ${cell.reasons.length - MAX_REASONS} more in run.json\n`);
  if (cell.status !== "skip" && cell.status !== "cancel") {
    out.write(`          reproduce: ${cell.reproduce}\n`);
    const commandFile = cell.attempts.at(-1)?.machine?.commandFile;
    if (commandFile && runDir)
      out.write(`          by hand:   sh ${join(runDir, cell.dir, commandFile)}\n`);
  }
  if (folded) out.write("::endgroup::\n");
}

function diagnosedTests(tests: readonly TestPoint[]): TestPoint[] {
  return failingTests(tests).filter((t) => (t.diagnostics ?? []).length > 0);
}

// A failing test's own explanation, under its reason: "# expected 42, got 41", its YAML block.
function writeDiagnostics(out: Writable, test: TestPoint): void {
  const lines = test.diagnostics ?? [];
  for (const line of lines.slice(0, MAX_DIAGNOSTICS)) out.write(`            ${line}\n`);
  if (lines.length > MAX_DIAGNOSTICS)
    out.write(`            … ${lines.length - MAX_DIAGNOSTICS} more lines in run.json\n`);
}

/** The closing totals line, naming the report to open: "8 cells: 6 passed, 1 failed in 12.3s — logs/…/index.html". */
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
  return `${run.cells.length} ${run.cells.length === 1 ? "cell" : "cells"}: ${parts.join(", ")} in ${formatDuration(run.durationMs)}${state} — ${join(runDir, "index.html")}`;
}
