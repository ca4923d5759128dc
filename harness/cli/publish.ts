// harness publish: push a run to the logs repository and show it on GitHub as statuses and a check.
import { resolve } from "node:path";
import { loadConfig } from "../config/load.ts";
import { EXIT, inputError, throwAll, type HarnessError } from "../errors.ts";
import { createRedact } from "../util/redact.ts";
import type { CheckRunMode } from "../publish/check-run.ts";
import { githubToken, parseRepoSlug } from "../publish/github-args.ts";
import { parseLogsRepoUrl } from "../publish/logs-url.ts";
import type { GitHubDestination } from "../publish/publish.ts";
import type { ParsedArgs } from "../util/args.ts";
import type { Command } from "../util/command.ts";

const CHECK_RUN_MODES: readonly CheckRunMode[] = ["auto", "always", "never"];

/** `harness publish RUN_DIR [--logs-repo URL] [--github OWNER/REPO --sha SHA]`. */
export const publishCommand: Command = {
  name: "publish",
  summary: "Push a run to the logs repository and report it on GitHub (statuses, check run)",
  usage:
    "harness publish RUN_DIR [--logs-repo URL] [--github OWNER/REPO --sha SHA] [--pr N] | harness publish --pending --platform P.. --github OWNER/REPO --sha SHA",
  flags: [
    {
      name: "logs-repo",
      type: "string",
      valueName: "URL",
      description: "git repository for run logs (ssh://, user@host:path, https://, file:///)",
    },
    {
      name: "github",
      type: "string",
      valueName: "OWNER/REPO",
      description:
        "post commit statuses (and a check run) there; token from GITHUB_TOKEN or GH_TOKEN",
    },
    {
      name: "sha",
      type: "string",
      valueName: "SHA",
      description: "the commit under test (full 40-character id)",
    },
    {
      name: "pr",
      type: "string",
      valueName: "N",
      description: "the pull request the run belongs to (for the logs index)",
    },
    {
      name: "github-api-url",
      type: "string",
      valueName: "URL",
      description:
        "GitHub Enterprise API, e.g. https://github.example.com/api/v3 (default: api.github.com)",
    },
    {
      name: "check-run",
      type: "string",
      valueName: "WHEN",
      description: "auto (with an Actions or App token), always or never (default auto)",
    },
    {
      name: "pending",
      type: "boolean",
      description: "mark the commit pending before a run starts (no RUN_DIR)",
    },
    {
      name: "platform",
      short: "p",
      type: "list",
      valueName: "P",
      description: "with --pending: the platforms about to run",
    },
    {
      name: "config",
      type: "string",
      valueName: "FILE",
      description: "the harness config file with publish: settings (default: harness.yml)",
    },
  ],
  async run(args, io) {
    // Loaded here, not at start-up: it brings octokit, which every other command can do without.
    const { publish, readRunRecord } = await import("../publish/publish.ts");
    const request = await checkedRequest(args, io.cwd, io.env, readRunRecord);
    const redact = createRedact(io.env);
    const problems = await publish({
      ...request,
      repoRoot: io.cwd,
      env: io.env,
      redact,
      signal: io.signal,
      log: (line) => io.stdout.write(`${line}\n`),
    });
    for (const problem of problems) io.stderr.write(`harness: ${redact(problem.describe())}\n`);
    return Math.max(EXIT.ok, ...problems.map((p) => p.exitCode));
  },
};

/** Every flag checked before anything is sent; all problems reported at once (exit 2). */
async function checkedRequest(
  args: ParsedArgs,
  cwd: string,
  env: NodeJS.ProcessEnv,
  readRunRecord: (runDir: string) => Promise<unknown>,
) {
  const errors: HarnessError[] = [];
  const check = <T>(work: () => T): T | undefined => {
    try {
      return work();
    } catch (error) {
      errors.push(error as HarnessError);
      return undefined;
    }
  };
  const pending = args.bool("pending");
  const [runDirArg, ...extra] = args.positionals;
  if (!pending && runDirArg === undefined) errors.push(usage("RUN_DIR is missing"));
  if (pending && runDirArg !== undefined) errors.push(usage("--pending takes no RUN_DIR"));
  if (extra.length > 0) errors.push(usage(`one RUN_DIR at a time, got ${args.positionals.length}`));
  const logsRepoArg = args.string("logs-repo");
  const logsRepo =
    logsRepoArg === undefined ? undefined : check(() => parseLogsRepoUrl(logsRepoArg));
  if (pending && logsRepoArg !== undefined)
    errors.push(usage("--pending posts to GitHub only; drop --logs-repo"));
  const github = check(() => githubDestination(args, env));
  if (logsRepoArg === undefined && !args.has("github")) {
    errors.push(usage("nothing to publish to: give --logs-repo URL, --github OWNER/REPO, or both"));
  }
  const pr = check(() => args.integer("pr", 1));
  const sha = check(() => commitSha(args.string("sha")));
  const config = await loadConfig(cwd, args.string("config"));
  const runDir = runDirArg === undefined ? undefined : resolve(cwd, runDirArg);
  // A RUN_DIR without run.json is bad input too, found before anything is sent.
  if (runDir !== undefined)
    await readRunRecord(runDir).catch((error: HarnessError) => errors.push(error));
  throwAll(errors);
  return {
    ...(runDir === undefined ? {} : { runDir }),
    ...(pending ? { pending: { platforms: args.list("platform") } } : {}),
    ...(logsRepo === undefined ? {} : { logsRepo }),
    ...(github === undefined ? {} : { github }),
    about: {
      ...(github === undefined ? {} : { repo: `${github.target.owner}/${github.target.repo}` }),
      ...(sha === undefined ? {} : { sha }),
      ...(pr === undefined ? {} : { pr }),
    },
    config: config.publish ?? {},
  };
}

function githubDestination(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv,
): GitHubDestination | undefined {
  const repoArg = args.string("github");
  if (repoArg === undefined) {
    for (const flag of ["github-api-url", "check-run"]) {
      if (args.has(flag)) throw usage(`--${flag} needs --github OWNER/REPO`);
    }
    if (args.bool("pending")) throw usage("--pending needs --github OWNER/REPO and --sha");
    return undefined;
  }
  const repo = parseRepoSlug(repoArg);
  const sha = commitSha(args.string("sha"));
  if (sha === undefined) throw usage("--github needs --sha SHA, the commit to report on");
  const checkRun = (args.string("check-run") ?? "auto") as CheckRunMode;
  if (!CHECK_RUN_MODES.includes(checkRun)) {
    throw inputError(
      "EFLAG",
      `--check-run must be auto, always or never, got ${JSON.stringify(checkRun)}`,
    );
  }
  const baseUrl = apiUrl(args.string("github-api-url"));
  return {
    target: { ...repo, sha },
    token: githubToken(env),
    checkRun,
    ...(baseUrl === undefined ? {} : { baseUrl }),
  };
}

function commitSha(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(raw)) {
    throw inputError("ESHA", `--sha ${JSON.stringify(raw)} is not a full commit id`, {
      hint: "pass all 40 hex digits (in Actions: --sha ${{ github.event.pull_request.head.sha || github.sha }})",
    });
  }
  return raw.toLowerCase();
}

function apiUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.search || parsed.hash) {
    throw inputError("EFLAG", `--github-api-url ${JSON.stringify(raw)} is not an http(s) URL`, {
      hint: "GitHub Enterprise Server: --github-api-url https://HOST/api/v3",
    });
  }
  return raw.replace(/\/+$/, "");
}

function usage(message: string): HarnessError {
  return inputError("EUSAGE", message, { hint: "see harness publish --help" });
}
