// One attempt at a cell: the lifecycle phases in order under deadlines, teardown always, then a verdict.
import { mkdir, writeFile } from "node:fs/promises";
import { HarnessError } from "../errors.ts";
import { createRedact } from "../util/redact.ts";
import { redactedLogFile } from "../util/redact-stream.ts";
import { TapCollector } from "../results/tap.ts";
import { judge, type AttemptOutcome } from "../results/status.ts";
import type { AttemptRecord, PhaseRecord } from "../results/run-record.ts";
import type { TapSummary } from "../results/tap.ts";
import { LIFECYCLE, DEFAULT_CELL_TIMEOUT_MS } from "./lifecycle.ts";
import { startDeadline, DeadlineError } from "./deadline.ts";
import { CancelledError } from "./cancel.ts";
import type { AttemptContext, CellExecutor, DriveResult, MachineInfo } from "./executor.ts";
import { join } from "node:path";

/** What the attempt needs beyond the executor. */
export type AttemptSetup = Omit<AttemptContext, "signal" | "console" | "results"> & {
  runSignal: AbortSignal;
  /** Overrides the case's own cell deadline (--timeout). */
  cellTimeoutMs?: number;
};

/** An attempt's record and its parsed results. */
export interface AttemptResult {
  record: AttemptRecord;
  tap: TapSummary;
}

/** Runs build → boot → drive → collect, then teardown on every path, and judges the outcome. */
export async function runAttempt(
  executor: CellExecutor,
  setup: AttemptSetup,
): Promise<AttemptResult> {
  const startedAt = new Date();
  await mkdir(setup.cellDir, { recursive: true });
  const redact = createRedact(process.env);
  const consoleLog = redactedLogFile(join(setup.cellDir, "console.log"), redact);
  const results = new TapCollector();
  const cellTimeoutMs =
    setup.cellTimeoutMs ?? setup.cell.testCase.timeouts.cellMs ?? DEFAULT_CELL_TIMEOUT_MS;
  using cellDeadline = startDeadline(setup.runSignal, cellTimeoutMs, `cell ${setup.cell.id}`);
  const phases: PhaseRecord[] = [];
  const outcome: Partial<AttemptOutcome> = {};
  let drive: DriveResult = {};
  let failed = false;
  for (const phase of LIFECYCLE) {
    if (failed && !phase.always) {
      phases.push({ name: phase.name, durationMs: 0, outcome: "skipped" });
      continue;
    }
    // Teardown must still run after a deadline or Ctrl-C, so it gets a fresh signal with its own deadline.
    const parent = phase.always ? new AbortController().signal : cellDeadline.signal;
    using deadline = startDeadline(
      parent,
      phase.deadlineMs(setup.cell.testCase.timeouts),
      `${phase.name} phase`,
    );
    const context: AttemptContext = {
      ...setup,
      signal: deadline.signal,
      console: consoleLog,
      results,
    };
    const phaseStart = performance.now();
    setup.onStage?.(setup.cell, phase.name);
    try {
      if (phase.name === "drive") drive = await executor.drive(context);
      else if (phase.name === "collect") outcome.tap = await results.end();
      else await executor[phase.name](context);
      if (deadline.signal.aborted) throw deadline.signal.reason;
      phases.push({ name: phase.name, durationMs: performance.now() - phaseStart, outcome: "ok" });
    } catch (error) {
      failed = true;
      const message = classify(error, outcome);
      phases.push({
        name: phase.name,
        durationMs: performance.now() - phaseStart,
        outcome: "failed",
        error: message,
      });
    }
  }
  consoleLog.end();
  await consoleLog.finished;
  const tap = outcome.tap ?? (await results.end());
  await writeFile(join(setup.cellDir, "results.tap"), redact(results.tapText()));
  // After teardown: the console's last lines (a WARNING just before poweroff) are in by now.
  const kernelFindings = executor.kernelFindings?.() ?? [];
  const verdict = judge({
    ...outcome,
    ...drive,
    tap,
    kernelFindings,
    ...(setup.cell.testCase.expect ? { expect: setup.cell.testCase.expect } : {}),
  });
  const record: AttemptRecord = {
    number: setup.attempt,
    status: verdict.status,
    reasons: verdict.reasons,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    phases,
    ...("exitCode" in drive ? { exitCode: drive.exitCode ?? null } : {}),
    ...("signal" in drive ? { signal: drive.signal ?? null } : {}),
    ...(executor.machineInfo?.() ? { machine: executor.machineInfo() as MachineInfo } : {}),
    ...(kernelFindings.length > 0 ? { kernelFindings } : {}),
  };
  return { record, tap };
}

// Sorts a phase failure into timeout, cancel or infrastructure error; returns the message to record.
function classify(error: unknown, outcome: Partial<AttemptOutcome>): string {
  if (error instanceof DeadlineError) {
    outcome.timedOut = true;
    return error.message;
  }
  if (error instanceof CancelledError) {
    outcome.cancelled = true;
    return error.message;
  }
  if (error instanceof HarnessError) {
    outcome.infraError ??= error.describe();
    return error.describe();
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  outcome.infraError ??= `harness bug: ${message}`;
  return message;
}
