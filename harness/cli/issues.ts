// harness issues: the nightly's regressions as GitHub issues, one per cell, closed once it passes.
import { resolve } from "node:path";
import { EXIT, HarnessError, inputError } from "../errors.ts";
import { compareWithHistory } from "../results/compare.ts";
import { githubToken, parseRepoSlug } from "../publish/github-args.ts";
import { readRunRecord } from "../report/report.ts";
import { createRedact } from "../util/redact.ts";
import type { Command } from "../util/command.ts";
import { earlierRuns, HISTORY_FLAGS } from "./compare-sources.ts";

const DEFAULT_LABEL = "harness-regression";

/** `harness issues RUN_DIR [--baseline RUN_DIR | --history DIR | --logs-repo URL] --github OWNER/REPO`. */
export const issuesCommand: Command = {
  name: "issues",
  summary: "Open, update and close one GitHub issue per regressed cell (after harness confirm)",
  usage:
    "harness issues RUN_DIR [--baseline RUN_DIR | --history LOGS_DIR | --logs-repo URL [--match GLOB]] --github OWNER/REPO [--label L] [--github-api-url URL]",
  flags: [
    {
      name: "baseline",
      type: "string",
      valueName: "RUN_DIR",
      description: "the previous run: cells passing there and failing now get an issue",
    },
    ...HISTORY_FLAGS,
    {
      name: "github",
      type: "string",
      valueName: "OWNER/REPO",
      description: "where the issues are; token from GITHUB_TOKEN or GH_TOKEN",
    },
    {
      name: "label",
      type: "string",
      valueName: "LABEL",
      description: `the label that marks these issues (default ${DEFAULT_LABEL})`,
    },
    {
      name: "github-api-url",
      type: "string",
      valueName: "URL",
      description: "GitHub Enterprise API (default: api.github.com)",
    },
  ],
  async run(args, io) {
    const repoArg = args.string("github");
    if (args.positionals.length !== 1 || repoArg === undefined) {
      throw inputError("EUSAGE", "harness issues takes one run folder and --github OWNER/REPO", {
        hint: "e.g. harness issues logs/nightly-2 --baseline baseline --github acme/images",
      });
    }
    const target = parseRepoSlug(repoArg);
    const token = githubToken(io.env);
    const run = await readRunRecord(resolve(io.cwd, args.positionals[0] as string));
    // Without earlier runs there is nothing new to report, but the issues of cells passing now close.
    const history =
      args.string("baseline") === undefined &&
      args.string("history") === undefined &&
      args.string("logs-repo") === undefined
        ? undefined
        : await earlierRuns(args, io, run, "harness issues");
    const regressions =
      history && history.earlier.length > 0
        ? compareWithHistory(history.earlier, run, history.window).regressions
        : [];
    const redact = createRedact(io.env);
    const baseUrl = args.string("github-api-url");
    if (baseUrl !== undefined && !/^https?:\/\/[^/?#]+/.test(baseUrl)) {
      throw inputError(
        "EFLAG",
        `--github-api-url ${JSON.stringify(baseUrl)} is not an http(s) URL`,
        {
          hint: "GitHub Enterprise Server: --github-api-url https://HOST/api/v3",
        },
      );
    }
    // Loaded only now: octokit costs every other command's start-up ~15 ms.
    const { createGitHubClient } = await import("../publish/github-client.ts");
    const { syncRegressionIssues } = await import("../publish/regression-issues.ts");
    const client = createGitHubClient({
      token,
      ...(baseUrl === undefined ? {} : { baseUrl }),
      redact,
      log: (line) => io.stderr.write(`${line}\n`),
      signal: io.signal,
    });
    const actions = await syncRegressionIssues(
      client,
      { ...target, label: args.string("label") ?? DEFAULT_LABEL, redact },
      regressions,
      run,
    ).catch((error: unknown) => {
      throw asGitHubError(error, repoArg);
    });
    for (const a of actions) io.stdout.write(`issue #${a.number} ${a.action}: ${a.key}\n`);
    if (actions.length === 0) io.stdout.write("no issue to open, update or close\n");
    return EXIT.ok;
  },
};

/** GitHub's refusals as errors a user can act on (exit 3); anything else stays a bug. */
function asGitHubError(error: unknown, repo: string): unknown {
  const status = (error as { status?: unknown }).status;
  if (typeof status !== "number") return error;
  return new HarnessError(
    "EGITHUB",
    `GitHub answered ${status} for the issues of ${repo}: ${(error as Error).message}`,
    {
      hint:
        status === 401
          ? "check the token in GITHUB_TOKEN"
          : "the token needs issues: write on the repository (in Actions: permissions: { issues: write })",
      cause: error,
    },
  );
}
