// harness report: index.html and summary.md for a run folder, GitHub annotations in Actions.
import { resolve } from "node:path";
import { inputError } from "../errors.ts";
import { writeReport } from "../report/report.ts";
import { githubAnnotations } from "../report/annotations.ts";
import { plural } from "../report/baseline.ts";
import type { Command } from "../util/command.ts";

/** `harness report RUN_DIR [--baseline RUN_DIR] [--history LOGS_DIR [--window N]]`. */
export const reportCommand: Command = {
  name: "report",
  summary: "Write a run's index.html and summary.md (and GitHub annotations in Actions)",
  usage: "harness report RUN_DIR [--baseline RUN_DIR] [--history LOGS_DIR [--window N]]",
  flags: [
    {
      name: "baseline",
      type: "string",
      valueName: "RUN_DIR",
      description: "an earlier run to compare with: new failures and fixes are marked",
    },
    {
      name: "history",
      type: "string",
      valueName: "LOGS_DIR",
      description:
        "earlier run folders (e.g. logs/): each cell's results over them as a row of squares",
    },
    {
      name: "window",
      type: "integer",
      valueName: "N",
      description: "with --history: the last N runs, this one included (default 14)",
    },
  ],
  async run(args, io) {
    if (args.positionals.length !== 1) {
      throw inputError(
        "EUSAGE",
        `harness report takes one run folder, got ${args.positionals.length}`,
        {
          hint: "e.g. harness report logs/latest --baseline logs/<earlier-run-id>",
        },
      );
    }
    const baseline = args.string("baseline");
    const history = args.string("history");
    const window = args.integer("window", 2, 1000);
    const result = await writeReport(resolve(io.cwd, args.positionals[0] as string), {
      cwd: io.cwd,
      ...(baseline === undefined ? {} : { baselineDir: resolve(io.cwd, baseline) }),
      ...(history === undefined ? {} : { historyDir: resolve(io.cwd, history) }),
      ...(window === undefined ? {} : { window }),
    });
    for (const file of result.files) io.stdout.write(`wrote ${file}\n`);
    if (result.diff) {
      io.stdout.write(
        `compared with ${result.diff.baselineRunId}: ${plural(result.diff.newFailures.length, "new failure")}, ${plural(result.diff.fixes.length, "fix", "fixes")}\n`,
      );
    }
    if (io.env.GITHUB_ACTIONS === "true") {
      const workspace = io.env.GITHUB_WORKSPACE ?? io.cwd;
      for (const line of await githubAnnotations(result.run, workspace))
        io.stdout.write(`${line}\n`);
    }
    return 0;
  },
};
