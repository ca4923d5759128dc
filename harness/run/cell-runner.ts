// A cell from start to record: group init, attempts with retries for errors and timeouts, flaky detection.
import { mkdir, readdir, rename } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Cell } from "../matrix/cells.ts";
import type { CellRecord, AttemptRecord } from "../results/run-record.ts";
import type { TapSummary } from "../results/tap.ts";
import type { Status } from "../results/status.ts";
import { HarnessError } from "../errors.ts";
import { runAttempt, type AttemptSetup } from "./attempt.ts";
import { executorFor } from "./executors.ts";
import type { GroupScripts } from "./groups.ts";
import { reproduceCommand } from "./reproduce.ts";
import { caseFolderHash } from "../results/case-hash.ts";

/** Shared by all cells of a run: how much time retries may still spend. */
export interface RetryBudget {
  retries: number;
  remainingMs: number;
}

export interface CellRunOptions extends Omit<AttemptSetup, "cell" | "attempt" | "cellDir"> {
  runDir: string;
  groups: GroupScripts;
  budget: RetryBudget;
  reproduceArgs: readonly string[];
}

const RETRYABLE: ReadonlySet<Status> = new Set(["error", "timeout"]);

/** Runs one cell to its final record; never throws for a test's own failure. */
export async function runCell(cell: Cell, options: CellRunOptions): Promise<CellRecord> {
  const dir = join("cells", cell.id);
  const cellDir = join(options.runDir, dir);
  const caseHash = await caseFolderHash(resolve(options.casesRoot, cell.testCase.dir));
  const base = {
    ...baseRecord(cell, dir, options.reproduceArgs),
    ...(caseHash ? { caseHash } : {}),
  };
  if (cell.skipReason) return { ...base, status: "skip", reasons: [cell.skipReason] };
  if (options.runSignal.aborted)
    return { ...base, status: "cancel", reasons: ["run cancelled before the cell started"] };
  const startedAt = new Date();
  const attempts: AttemptRecord[] = [];
  let tap: TapSummary | undefined;
  try {
    await options.groups.enter(cell, options.runSignal);
    for (let attempt = 1; ; attempt++) {
      const result = await runAttempt(executorFor(cell), { ...options, cell, attempt, cellDir });
      attempts.push(result.record);
      tap = result.tap;
      if (!shouldRetry(result.record, attempt, options)) break;
      options.budget.remainingMs -= result.record.durationMs;
      await keepAttemptLogs(cellDir, attempt);
    }
  } catch (error) {
    if (!(error instanceof HarnessError) || options.runSignal.aborted) {
      if (!options.runSignal.aborted) throw error;
    }
    const reason = error instanceof HarnessError ? error.describe() : "run cancelled";
    const status: Status = options.runSignal.aborted ? "cancel" : "error";
    return {
      ...base,
      status,
      reasons: [reason],
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
    };
  }
  const last = attempts[attempts.length - 1] as AttemptRecord;
  const flaky = attempts.length > 1 && last.status === "pass";
  return {
    ...base,
    status: flaky ? "flaky" : last.status,
    reasons: flaky
      ? [
          `passed on attempt ${last.number} after: ${attempts[0]?.reasons[0] ?? attempts[0]?.status}`,
        ]
      : last.reasons,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    reproduce: reproduceCommand(cell, options.reproduceArgs, last.machine?.kernel?.version),
    attempts,
    tests: tap?.tests ?? [],
    testCounts: tap?.counts ?? base.testCounts,
  };
}

function shouldRetry(record: AttemptRecord, attempt: number, options: CellRunOptions): boolean {
  return (
    RETRYABLE.has(record.status) &&
    attempt <= options.budget.retries &&
    options.budget.remainingMs - record.durationMs > 0 &&
    !options.runSignal.aborted
  );
}

// Earlier attempts' logs move to attempts/N/ so the cell folder always shows the last attempt.
async function keepAttemptLogs(cellDir: string, attempt: number): Promise<void> {
  const target = join(cellDir, "attempts", String(attempt));
  await mkdir(target, { recursive: true });
  for (const entry of await readdir(cellDir)) {
    if (entry !== "attempts") await rename(join(cellDir, entry), join(target, entry));
  }
}

function baseRecord(cell: Cell, dir: string, reproduceArgs: readonly string[]): CellRecord {
  return {
    id: cell.id,
    case: cell.testCase.name,
    summary: cell.testCase.summary,
    kind: cell.testCase.kind,
    platform: cell.platform,
    arch: cell.arch,
    kernel: cell.kernel,
    repeat: cell.repeatIndex,
    status: "skip",
    reasons: [],
    durationMs: 0,
    dir,
    attempts: [],
    tests: [],
    testCounts: { pass: 0, fail: 0, skip: 0, todo: 0, xfail: 0, timeout: 0, error: 0 },
    reproduce: reproduceCommand(cell, reproduceArgs),
    ...((cell.testCase.files.caseFile ?? cell.testCase.files.script)
      ? { caseFile: (cell.testCase.files.caseFile ?? cell.testCase.files.script) as string }
      : {}),
  };
}
