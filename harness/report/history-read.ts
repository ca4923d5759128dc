// Earlier runs for a history: the run folders of a logs folder, or the newest published runs of the
// logs repository. Interrupted runs are left out; they say nothing about what passes.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { inputError } from "../errors.ts";
import { readPublishedRuns, type LogsReadOptions } from "../publish/logs-read.ts";
import type { RunRecord } from "../results/run-record.ts";
import { parseRunRecord, readRunRecord } from "./report.ts";

/** Every complete run under `dir` (its subfolders holding a run.json, or `dir` itself), each once. */
export async function readRunFolders(dir: string, flag: string): Promise<RunRecord[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) {
    throw inputError("ERUNDIR", `${dir} is not a folder (from ${flag})`, {
      hint: "give a logs folder holding run folders (e.g. logs/) or a single run folder",
    });
  }
  const folders = entries.some((e) => e.name === "run.json")
    ? [dir]
    : entries.filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => join(dir, e.name));
  const runs = new Map<string, RunRecord>();
  for (const folder of folders.sort()) {
    if (!(await stat(join(folder, "run.json")).catch(() => undefined))) continue;
    const run = await readRunRecord(folder, flag);
    // logs/latest points at a run that is there under its own name too.
    if (run.state === "complete") runs.set(run.runId, run);
  }
  return [...runs.values()];
}

/** The newest `limit` complete runs in the logs repository whose ids match `match`. */
export async function readPublishedHistory(
  options: LogsReadOptions,
  choice: { match: string; exclude?: string; limit: number },
): Promise<RunRecord[]> {
  const found = await readPublishedRuns(options, choice);
  return found.map((run) => parseRunRecord(run.runJson, `run.json of ${run.entry.runId}`));
}
