// The merged run's folder: every shard's cell logs and group logs copied under one run directory,
// then the merged record, JUnit, summary and report written as a run writes them.
import { cp, mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { mergeRuns, type MergeResult, type PlannedCell, type ShardRun } from "../results/merge.ts";
import { checkRunId, createRunDir, writeRunRecord } from "./run-dir.ts";

/** What a merge is given. */
export interface MergeRequest {
  shards: readonly ShardRun[];
  logsDir: string;
  runId: string;
  expected?: readonly PlannedCell[];
}

/** Merges the shards into `logsDir/runId`; returns the merge and the new run folder. */
export async function writeMergedRun(
  request: MergeRequest,
): Promise<MergeResult & { runDir: string }> {
  await checkRunId(request.logsDir, request.runId);
  const result = mergeRuns(request.shards, request);
  const runDir = await createRunDir(request.logsDir, request.runId);
  const kept = new Set(result.run.cells.map((c) => c.id));
  for (const { dir, run } of request.shards) {
    for (const cell of run.cells.filter((c) => kept.has(c.id))) {
      await copyIfThere(join(dir, cell.dir), join(runDir, cell.dir));
    }
    // Group scripts ran once per shard; each shard's logs keep their own folder.
    await copyIfThere(join(dir, "groups"), join(runDir, "groups", run.runId));
  }
  await writeRunRecord(request.logsDir, runDir, result.run);
  return { ...result, runDir };
}

async function copyIfThere(from: string, to: string): Promise<void> {
  if (!(await stat(from).catch(() => undefined))) return;
  await mkdir(join(to, ".."), { recursive: true });
  await cp(from, to, { recursive: true, force: true, errorOnExist: false });
}
