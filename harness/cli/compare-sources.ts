// Where compare, confirm and issues take their earlier runs from: run folders on the command line
// or --baseline, a logs folder (--history), or the logs repository (--logs-repo, --match). Each
// cell is then judged against its own last judged run and its last good run among them.
import { resolve } from "node:path";
import { loadConfig } from "../config/load.ts";
import { inputError } from "../errors.ts";
import { parseLogsRepoUrl } from "../publish/logs-url.ts";
import { readPublishedHistory, readRunFolders } from "../report/history-read.ts";
import { readRunRecord } from "../report/report.ts";
import { DEFAULT_WINDOW } from "../results/history.ts";
import type { RunRecord } from "../results/run-record.ts";
import { createRedact } from "../util/redact.ts";
import type { FlagSpec, ParsedArgs } from "../util/args.ts";
import type { CommandIo } from "../util/command.ts";

/** The current run, the earlier ones and the window to judge flakiness over. */
export interface CompareInputs {
  current: RunRecord;
  earlier: RunRecord[];
  window: number;
  /** Where the earlier runs came from, for messages. */
  source: string;
}

/** The earlier runs, the window and where they came from. */
export type EarlierRuns = Omit<CompareInputs, "current">;

/** The flags naming a history of earlier runs, shared by compare, confirm and issues. */
export const HISTORY_FLAGS: readonly FlagSpec[] = [
  {
    name: "history",
    type: "string",
    valueName: "LOGS_DIR",
    description: "earlier runs: every run folder in LOGS_DIR (e.g. logs/)",
  },
  {
    name: "logs-repo",
    type: "string",
    valueName: "URL",
    description: "earlier runs: the newest published runs of the logs repository",
  },
  {
    name: "match",
    type: "string",
    valueName: "GLOB",
    description: 'with --logs-repo: only runs whose id matches (default "*"), e.g. "nightly-*"',
  },
  {
    name: "window",
    type: "integer",
    valueName: "N",
    description: "judge flakiness and history over the last N runs, this one included (default 14)",
  },
  {
    name: "config",
    type: "string",
    valueName: "FILE",
    description: "the harness config file with publish: settings (default: harness.yml)",
  },
];

const USAGE_HINT =
  "e.g. harness compare logs/<yesterday> logs/latest, or harness compare --history logs logs/latest";

/** Reads the runs the flags and positionals name; bad combinations are bad input (exit 2). */
export async function compareInputs(args: ParsedArgs, io: CommandIo): Promise<CompareInputs> {
  const dirs = args.positionals.map((p) => resolve(io.cwd, p));
  if (!namesHistory(args)) {
    if (dirs.length < 2) {
      throw inputError("EUSAGE", `harness compare takes two run folders, got ${dirs.length}`, {
        hint: USAGE_HINT,
      });
    }
    const runs = await Promise.all(
      dirs.map((dir, i) => readRunRecord(dir, i === dirs.length - 1 ? "CURRENT" : "BASELINE")),
    );
    const current = runs.pop() as RunRecord;
    return { current, earlier: runs, window: windowOf(args), source: "the baseline run folders" };
  }
  if (dirs.length !== 1) {
    throw inputError(
      "EUSAGE",
      `with ${args.string("history") !== undefined ? "--history" : "--logs-repo"}, harness compare takes one run folder (the current run), got ${dirs.length}`,
      { hint: USAGE_HINT },
    );
  }
  const current = await readRunRecord(dirs[0] as string, "CURRENT");
  return { current, ...(await historyRuns(args, io, current, "harness compare")) };
}

/**
 * The earlier runs of confirm and issues: `--baseline RUN_DIR` (one run) or the history flags.
 * Exactly one of them is needed; `command` names the command in the message when not.
 */
export async function earlierRuns(
  args: ParsedArgs,
  io: CommandIo,
  current: RunRecord,
  command: string,
): Promise<EarlierRuns> {
  const baseline = args.string("baseline");
  if (baseline !== undefined && namesHistory(args)) {
    throw inputError("EUSAGE", `${command} takes --baseline or a history, not both`, {
      hint: "--baseline RUN_DIR for one earlier run; --history LOGS_DIR or --logs-repo URL for the last good run of each cell",
    });
  }
  if (baseline !== undefined) {
    const run = await readRunRecord(resolve(io.cwd, baseline), "--baseline");
    return { earlier: [run], window: windowOf(args), source: run.runId };
  }
  if (!namesHistory(args)) {
    throw inputError(
      "EUSAGE",
      `${command} needs the earlier runs: --baseline RUN_DIR, --history LOGS_DIR or --logs-repo URL`,
      {
        hint: `e.g. ${command} logs/nightly-2 --logs-repo git@github.com:acme/logs.git --match 'nightly-*'`,
      },
    );
  }
  return historyRuns(args, io, current, command);
}

function namesHistory(args: ParsedArgs): boolean {
  return args.string("history") !== undefined || args.string("logs-repo") !== undefined;
}

function windowOf(args: ParsedArgs): number {
  return args.integer("window", 2, 1000) ?? DEFAULT_WINDOW;
}

async function historyRuns(
  args: ParsedArgs,
  io: CommandIo,
  current: RunRecord,
  command: string,
): Promise<EarlierRuns> {
  const historyDir = args.string("history");
  const logsRepo = args.string("logs-repo");
  const window = windowOf(args);
  if (historyDir !== undefined && logsRepo !== undefined) {
    throw inputError("EUSAGE", `${command} takes --history or --logs-repo, not both`, {
      hint: USAGE_HINT,
    });
  }
  const earlier =
    historyDir !== undefined
      ? await readRunFolders(resolve(io.cwd, historyDir), "--history")
      : await fromLogsRepo(logsRepo as string, current, window, args, io);
  return {
    // A confirm's re-runs sit beside the run they confirm; they are part of it, not a run before it.
    earlier: earlier.filter(
      (r) => r.runId !== current.runId && r.runId !== `${current.runId}-confirm`,
    ),
    window,
    source: historyDir ?? "the logs repository",
  };
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
