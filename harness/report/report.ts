// `harness report`: a run directory's index.html and summary.md rebuilt from run.json, optionally
// set against a baseline run.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { inputError } from "../errors.ts";
import type { RunRecord } from "../results/run-record.ts";
import { summaryMarkdown } from "../results/summary-md.ts";
import { byAge, runHistory, type RunHistory } from "../results/history.ts";
import { historyMarkdown } from "../results/history-md.ts";
import { readRunFolders } from "./history-read.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { baselineMarkdown, compareWithBaseline, type BaselineDiff } from "./baseline.ts";
import { writeHtmlReport } from "./html/write.ts";

/** What `writeReport` wrote and what it found. */
export interface ReportResult {
  run: RunRecord;
  diff?: BaselineDiff;
  history?: RunHistory;
  files: string[];
}

/** Reads a run directory's run.json; a missing or unreadable one is a bad-input error. */
export async function readRunRecord(runDir: string, flag = "RUN_DIR"): Promise<RunRecord> {
  const path = join(runDir, "run.json");
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) {
    throw inputError("ERUNDIR", `${path} does not exist (from ${flag} ${runDir})`, {
      hint: "give a run folder written by harness run, e.g. logs/latest",
    });
  }
  return parseRunRecord(text, path);
}

/** run.json text as a run record; `where` names it in the error when it is not one. */
export function parseRunRecord(text: string, where: string): RunRecord {
  let run: RunRecord;
  try {
    run = JSON.parse(text) as RunRecord;
  } catch (error) {
    throw inputError("ERUNDIR", `${where} is not valid JSON`, { cause: error });
  }
  if (run.schemaVersion !== 1 || !Array.isArray(run.cells)) {
    throw inputError("ERUNDIR", `${where} is not a harness run record (schemaVersion 1)`);
  }
  return run;
}

/** Writes index.html and summary.md into `runDir`. */
export async function writeReport(
  runDir: string,
  options: { baselineDir?: string; historyDir?: string; window?: number; cwd: string },
): Promise<ReportResult> {
  const run = await readRunRecord(runDir);
  const baseline =
    options.baselineDir === undefined
      ? undefined
      : await readRunRecord(options.baselineDir, "--baseline");
  const diff = baseline ? compareWithBaseline(run, baseline) : undefined;
  const history =
    options.historyDir === undefined
      ? undefined
      : runHistory(
          [
            // This run is the last mark whatever the clocks of the earlier ones said.
            ...byAge(await readRunFolders(options.historyDir, "--history")).filter(
              (r) => r.runId !== run.runId,
            ),
            run,
          ],
          options.window,
        );
  const index = await writeHtmlReport(runDir, run, {
    cwd: options.cwd,
    ...(diff ? { diff } : {}),
    ...(history ? { history } : {}),
  });
  const summary = join(runDir, "summary.md");
  await writeFileAtomic(
    summary,
    summaryMarkdown(run) +
      (diff ? `\n${baselineMarkdown(diff)}` : "") +
      (history ? `\n${historyMarkdown(history, run)}` : ""),
  );
  return {
    run,
    ...(diff ? { diff } : {}),
    ...(history ? { history } : {}),
    files: [index, summary],
  };
}
