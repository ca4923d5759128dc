// harness fetch-run: a published run read back from the logs repository into a run folder (its
// run.json), so compare, confirm and issues can use it as a baseline.
import { join, resolve } from "node:path";
import { shownPath } from "../util/shown-path.ts";
import { loadConfig } from "../config/load.ts";
import { EXIT, inputError } from "../errors.ts";
import { readPublishedRun, type RunChoice } from "../publish/logs-read.ts";
import { parseLogsRepoUrl } from "../publish/logs-url.ts";
import { readRunRecord } from "../report/report.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { createRedact } from "../util/redact.ts";
import type { Command } from "../util/command.ts";

/** `harness fetch-run [RUN_ID] --logs-repo URL [--match GLOB] [--exclude ID] -o DIR`. */
export const fetchRunCommand: Command = {
  name: "fetch-run",
  summary: "Read a published run back from the logs repository (the newest matching, or by id)",
  usage: "harness fetch-run [RUN_ID] --logs-repo URL [--match GLOB] [--exclude RUN_ID] -o DIR",
  flags: [
    {
      name: "logs-repo",
      type: "string",
      valueName: "URL",
      description: "the logs repository harness publish writes to",
    },
    {
      name: "match",
      type: "string",
      valueName: "GLOB",
      description: 'without RUN_ID: the newest complete run whose id matches (default "*")',
    },
    {
      name: "exclude",
      type: "string",
      valueName: "RUN_ID",
      description: "never this run (the current one, when it was published already)",
    },
    {
      name: "output",
      short: "o",
      type: "string",
      valueName: "DIR",
      description: "folder to write run.json into",
    },
    {
      name: "config",
      type: "string",
      valueName: "FILE",
      description: "the harness config file with publish: settings (default: harness.yml)",
    },
  ],
  async run(args, io) {
    const url = args.string("logs-repo");
    const output = args.string("output");
    if (url === undefined || output === undefined || args.positionals.length > 1) {
      throw inputError("EUSAGE", "harness fetch-run needs --logs-repo URL and -o DIR", {
        hint: "e.g. harness fetch-run --logs-repo git@github.com:acme/logs.git --match 'nightly-*' -o baseline",
      });
    }
    const repo = parseLogsRepoUrl(url);
    const config = await loadConfig(io.cwd, args.string("config"));
    const [runId] = args.positionals;
    const exclude = args.string("exclude");
    const choice: RunChoice =
      runId !== undefined
        ? { runId }
        : { match: args.string("match") ?? "*", ...(exclude === undefined ? {} : { exclude }) };
    const redact = createRedact(io.env);
    const found = await readPublishedRun(
      {
        repo,
        indexBranch: config.publish?.indexBranch ?? "main",
        env: io.env,
        redact,
        signal: io.signal,
      },
      choice,
    );
    if (!found) {
      if (runId !== undefined) {
        throw inputError("ENORUN", `run ${runId} is not in the index of ${redact(repo.url)}`, {
          hint: "see index.md on the logs repository's index branch for the runs it holds",
        });
      }
      // The first nightly has nothing to compare with; that is not an error.
      io.stdout.write(
        `no complete run matching ${args.string("match") ?? "*"} in the logs repository; nothing fetched\n`,
      );
      return EXIT.ok;
    }
    const dir = resolve(io.cwd, output);
    await writeFileAtomic(join(dir, "run.json"), found.runJson);
    await readRunRecord(dir, "the logs repository");
    io.stdout.write(`fetched ${found.entry.runId} into ${shownPath(dir, io.cwd)}\n`);
    return EXIT.ok;
  },
};
