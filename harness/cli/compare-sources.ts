// Where harness compare takes its earlier runs from: run folders on the command line, a logs folder
// (--history), or the logs repository (--logs-repo, --match).
import { resolve } from "node:path";
import { loadConfig } from "../config/load.ts";
import { inputError } from "../errors.ts";
import { parseLogsRepoUrl } from "../publish/logs-url.ts";
import { readPublishedHistory, readRunFolders } from "../report/history-read.ts";
import { readRunRecord } from "../report/report.ts";
import { DEFAULT_WINDOW } from "../results/history.ts";
import type { RunRecord } from "../results/run-record.ts";
import { createRedact } from "../util/redact.ts";
import type { ParsedArgs } from "./args.ts";
import type { CommandIo } from "./command.ts";

/** The current run, the earlier ones and the window to judge flakiness over. */
export interface CompareInputs {
  current: RunRecord;
  earlier: RunRecord[];
  window: number;
  /** Where the earlier runs came from, for messages. */
  source: string;
}

const USAGE_HINT =
  "e.g. harness compare logs/<yesterday> logs/latest, or harness compare --history logs logs/latest";

/** Reads the runs the flags and positionals name; bad combinations are bad input (exit 2). */
export async function compareInputs(args: ParsedArgs, io: CommandIo): Promise<CompareInputs> {
  const historyDir = args.string("history");
  const logsRepo = args.string("logs-repo");
  const window = args.integer("window", 2, 1000) ?? DEFAULT_WINDOW;
  const dirs = args.positionals.map((p) => resolve(io.cwd, p));
  if (historyDir !== undefined && logsRepo !== undefined) {
    throw inputError("EUSAGE", "harness compare takes --history or --logs-repo, not both", {
      hint: USAGE_HINT,
    });
  }
  if (historyDir === undefined && logsRepo === undefined) {
    if (dirs.length < 2) {
      throw inputError("EUSAGE", `harness compare takes two run folders, got ${dirs.length}`, {
        hint: USAGE_HINT,
      });
    }
    const runs = await Promise.all(
      dirs.map((dir, i) => readRunRecord(dir, i === dirs.length - 1 ? "CURRENT" : "BASELINE")),
    );
    const current = runs.pop() as RunRecord;
    return { current, earlier: runs, window, source: "the baseline run folders" };
  }
  if (dirs.length !== 1) {
    throw inputError(
      "EUSAGE",
      `with ${historyDir !== undefined ? "--history" : "--logs-repo"}, harness compare takes one run folder (the current run), got ${dirs.length}`,
      { hint: USAGE_HINT },
    );
  }
  const current = await readRunRecord(dirs[0] as string, "CURRENT");
  const earlier =
    historyDir !== undefined
      ? await readRunFolders(resolve(io.cwd, historyDir), "--history")
      : await fromLogsRepo(logsRepo as string, current, window, args, io);
  const source = historyDir ?? "the logs repository";
  return { current, earlier: earlier.filter((r) => r.runId !== current.runId), window, source };
}

async function fromLogsRepo(
  url: string,
  current: RunRecord,
  window: number,
  args: ParsedArgs,
  io: CommandIo,
): Promise<RunRecord[]> {
  const config = await loadConfig(io.cwd, args.string("config"));
  return readPublishedHistory(
    {
      repo: parseLogsRepoUrl(url),
      indexBranch: config.publish?.indexBranch ?? "main",
      env: io.env,
      redact: createRedact(io.env),
      signal: io.signal,
    },
    { match: args.string("match") ?? "*", exclude: current.runId, limit: window - 1 },
  );
}
