// A whole run: create its folder, run the cells, write the record (also when interrupted), pick the exit code.
import { hostname, cpus, totalmem } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import type { Platform } from "../../platforms/types.ts";
import type { Cell } from "../matrix/cells.ts";
import type { HostInfo } from "../util/host-labels.ts";
import type { LabelSet } from "../cases/labels.ts";
import type { RunRecord, CellRecord } from "../results/run-record.ts";
import { countStatuses, exitCodeFor } from "../results/status.ts";
import { EXIT, HarnessError } from "../errors.ts";
import { createRedact, redactValue } from "../util/redact.ts";
import type { ProgressRenderer } from "../report/progress/renderer.ts";
import { lineRenderer } from "../report/progress/line.ts";
import { createRunDir, writeRunRecord } from "./run-dir.ts";
import { GroupScripts } from "./groups.ts";
import { runCells } from "./scheduler.ts";
import { pastDurations } from "./durations.ts";
import { sweepStaleFolders } from "../util/owner-folder.ts";
import { harnessIdentity } from "../results/harness-identity.ts";

/** Everything decided before the run starts; all of it already validated. */
export interface RunPlan {
  cells: Cell[];
  casesRoot: string;
  logsDir: string;
  runId: string;
  parallel: number;
  retries: number;
  retryBudgetMs: number;
  cellTimeoutMs?: number;
  activeLabels: LabelSet;
  host: HostInfo;
  inputs: RunRecord["inputs"];
  reproduceArgs: string[];
  /** Platform instances of this run (remote runners) that replace the registry's of that name. */
  platforms?: readonly Platform[];
}

/** Streams and the cancellation signal the run reports to and listens on. */
export interface RunIo {
  stdout: Writable;
  signal: AbortSignal;
  /** The live view; one line per finished cell on `stdout` when not given. */
  progress?: ProgressRenderer;
}

/** Runs the plan to a written run record; the exit code is 130 when the run was interrupted. */
export async function executeRun(
  plan: RunPlan,
  io: RunIo,
): Promise<{ record: RunRecord; runDir: string }> {
  const startedAt = new Date();
  const runDir = await createRunDir(plan.logsDir, plan.runId);
  // What a killed run could not remove (its sockets, its console pipe) goes before this one starts.
  await sweepStaleFolders();
  const progress = io.progress ?? lineRenderer(io.stdout);
  try {
    const record = await runAndRecord(plan, io.signal, runDir, progress, startedAt);
    progress.runFinished(record, runDir);
    return { record, runDir };
  } finally {
    progress.close();
    await closePlatforms(plan.platforms ?? [], io.stdout);
  }
}

// Every path out of a run (the end, Ctrl-C, a crash in a cell) releases what platforms hold.
async function closePlatforms(platforms: readonly Platform[], out: Writable): Promise<void> {
  for (const platform of platforms) {
    try {
      await platform.close?.();
    } catch (error) {
      out.write(
        `harness: ${platform.name}: ${error instanceof HarnessError ? error.describe() : String(error)}\n`,
      );
    }
  }
}

async function runAndRecord(
  plan: RunPlan,
  signal: AbortSignal,
  runDir: string,
  progress: ProgressRenderer,
  startedAt: Date,
): Promise<RunRecord> {
  // Earlier runs' durations order the cells (longest first) and estimate the time left.
  const durations = await pastDurations(plan.logsDir);
  progress.runStarted({
    runId: plan.runId,
    runDir,
    total: plan.cells.length,
    parallel: plan.parallel,
    cellIds: plan.cells.map((cell) => cell.id),
    pastDurationsMs: durations,
  });
  const groups = new GroupScripts(plan.cells, {
    casesRoot: plan.casesRoot,
    logDir: join(runDir, "groups"),
    labels: plan.activeLabels,
    host: plan.host,
  });
  const cells: CellRecord[] = await runCells(plan.cells, {
    parallel: plan.parallel,
    durations,
    runDir,
    groups,
    budget: { retries: plan.retries, remainingMs: plan.retryBudgetMs },
    reproduceArgs: plan.reproduceArgs,
    runSignal: signal,
    runId: plan.runId,
    casesRoot: plan.casesRoot,
    activeLabels: plan.activeLabels,
    host: plan.host,
    ...(plan.cellTimeoutMs === undefined ? {} : { cellTimeoutMs: plan.cellTimeoutMs }),
    ...(plan.platforms ? { platforms: plan.platforms } : {}),
    onStart: (cell) => progress.cellStarted(cell),
    onStage: (cell, stage) => progress.cellStage(cell, stage),
    onFinish: (record) => progress.cellFinished(record),
  });
  const interrupted = signal.aborted;
  const statuses = cells.map((c) => c.status);
  const finishedAt = new Date();
  const record: RunRecord = {
    schemaVersion: 1,
    runId: plan.runId,
    state: interrupted ? "interrupted" : "complete",
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    exitCode: interrupted ? EXIT.interrupted : exitCodeFor(statuses),
    inputs: plan.inputs,
    host: {
      hostname: hostname(),
      os: plan.host.os,
      distro: plan.host.distro,
      distroVersion: plan.host.distroVersion,
      arch: plan.host.arch,
      cpus: cpus().length,
      memoryBytes: totalmem(),
      node: process.version,
    },
    counts: countStatuses(statuses),
    cells,
    harness: await harnessIdentity(),
  };
  // One redaction step before the record, the summaries and the report are written.
  await writeRunRecord(plan.logsDir, runDir, redactValue(record, createRedact(process.env)));
  return record;
}
