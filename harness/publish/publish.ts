// Publishing a run: read and redact the record once, add the links to its logs, push it to the logs
// repository, then show it on GitHub. Each destination is tried even when another failed.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PublishConfig } from "../config/load.ts";
import { HarnessError, inputError } from "../errors.ts";
import type { RunRecord } from "../results/run-record.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { redactValue, type Redact } from "../util/redact.ts";
import type { BackoffPolicy } from "./backoff.ts";
import { publishCheckRun, startCheckRun, wantsCheckRun, type CheckRunMode } from "./check-run.ts";
import type { Git } from "./git.ts";
import { createGitHubClient, type GitHubTarget } from "./github-client.ts";
import { withLogLinks, type LinkedRun } from "./links.ts";
import { publishToLogsRepo, runBranch } from "./logs-repo.ts";
import { defaultLogsUrlTemplate, type LogsRepoUrl } from "./logs-url.ts";
import { DEFAULT_GZIP_ABOVE_BYTES, runTree } from "./run-tree.ts";
import { finalStatuses, pendingStatuses, postStatuses, type StatusPost } from "./statuses.ts";

/** Where GitHub is and how to reach it. */
export interface GitHubDestination {
  target: GitHubTarget;
  token: string;
  baseUrl?: string;
  checkRun: CheckRunMode;
  fetch?: typeof fetch;
}

/** Everything one `harness publish` does. */
export interface PublishRequest {
  /** The run to publish; absent with `pending`. */
  runDir?: string;
  /** Statuses for a run about to start on these platforms. */
  pending?: { platforms: string[] };
  logsRepo?: LogsRepoUrl;
  github?: GitHubDestination;
  about: { repo?: string; sha?: string; pr?: number };
  config: PublishConfig;
  /** Annotations name case files relative to this folder (the checkout). */
  repoRoot: string;
  env: NodeJS.ProcessEnv;
  redact: Redact;
  log: (line: string) => void;
  signal: AbortSignal;
  backoff?: BackoffPolicy;
  wrapGit?: (git: Git) => Git;
}

/** Publishes; returns the problems met (empty when everything went through). */
export async function publish(request: PublishRequest): Promise<HarnessError[]> {
  const say = (line: string) => request.log(request.redact(line));
  const problems: HarnessError[] = [];
  const attempt = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      if (request.signal.aborted) throw error;
      problems.push(asHarnessError(error));
    }
  };
  if (request.runDir === undefined) {
    const github = request.github;
    if (github) await attempt(() => postPending(request, github, say));
    return problems;
  }
  const runDir = request.runDir;
  const run = await linkedRun(runDir, request);
  const runJson = `${JSON.stringify(run, null, 2)}\n`;
  await updateLocalRecord(runDir, runJson, say);
  if (request.logsRepo) {
    const repo = request.logsRepo;
    await attempt(async () => {
      const gzipAboveBytes = request.config.gzipAboveBytes ?? DEFAULT_GZIP_ABOVE_BYTES;
      const tree = await runTree(runDir, runJson, { redact: request.redact, gzipAboveBytes });
      for (const omitted of tree.omitted) say(`logs: left out ${omitted}`);
      const result = await publishToLogsRepo({
        ...request,
        repo,
        run,
        tree,
        log: say,
        indexBranch: indexBranch(request),
      });
      const what = result.runPushed
        ? `pushed ${result.branch} (${tree.files.length} files, ${tree.gzipped.length} gzipped)`
        : `${result.branch} already there, unchanged`;
      say(`logs: ${what}; index ${result.indexUpdated ? "updated" : "unchanged"} — ${repo.url}`);
    });
  }
  if (request.github) {
    const github = request.github;
    await attempt(() => postFinal(request, github, run, say));
  }
  return problems;
}

async function linkedRun(runDir: string, request: PublishRequest): Promise<LinkedRun> {
  const record = redactValue(await readRunRecord(runDir), request.redact);
  const template =
    request.config.logsUrl ??
    (request.logsRepo ? defaultLogsUrlTemplate(request.logsRepo) : undefined);
  return withLogLinks(record, template, runBranch(record.runId));
}

/** run.json of `runDir`; bad input (exit 2) when it is missing or not a run record. */
export async function readRunRecord(runDir: string): Promise<RunRecord> {
  const path = join(runDir, "run.json");
  const text = await readFile(path, "utf8").catch(() => undefined);
  const hint = "pass a run folder written by harness run, e.g. logs/latest";
  if (text === undefined) throw inputError("ERUNDIR", `${runDir} has no run.json`, { hint });
  let record: Partial<RunRecord>;
  try {
    record = JSON.parse(text) as Partial<RunRecord>;
  } catch (error) {
    throw inputError("ERUNDIR", `${path} is not JSON: ${(error as Error).message}`, { hint });
  }
  if (
    record.schemaVersion !== 1 ||
    typeof record.runId !== "string" ||
    !Array.isArray(record.cells)
  ) {
    throw inputError("ERUNDIR", `${path} is not a harness run record (schemaVersion 1)`, { hint });
  }
  // The run id names a branch of the logs repository.
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(record.runId) || record.runId.endsWith(".lock")) {
    throw inputError("ERUNDIR", `${path} has the run id ${JSON.stringify(record.runId)}`, {
      hint: 'run ids are letters, digits, ".", "_" and "-", as harness run makes them',
    });
  }
  return record as RunRecord;
}

/** The links land in the run's own run.json too, so reports made later carry them. */
async function updateLocalRecord(runDir: string, runJson: string, say: (line: string) => void) {
  const path = join(runDir, "run.json");
  if ((await readFile(path, "utf8")) === runJson) return;
  // A read-only run folder (a downloaded artifact) still publishes; only the local copy lacks links.
  await writeFileAtomic(path, runJson).catch((error: unknown) =>
    say(`logs: could not add the links to ${path} (${(error as Error).message}); going on`),
  );
}

// One GitHub client per call, redacting and logging through the request's own sinks.
function clientFor(request: PublishRequest, github: GitHubDestination, say: (l: string) => void) {
  return createGitHubClient({
    ...github,
    redact: request.redact,
    log: say,
    signal: request.signal,
  });
}

async function postFinal(
  request: PublishRequest,
  github: GitHubDestination,
  run: LinkedRun,
  say: (l: string) => void,
) {
  const client = clientFor(request, github, say);
  sayStatuses(say, await postStatuses(client, github.target, finalStatuses(run), request.redact));
  if (!wantsCheckRun(github.checkRun, github.token)) return;
  const check = await publishCheckRun(client, github.target, run, {
    ...request,
    mode: github.checkRun,
  });
  say(
    `github: check run ${check.action}${check.reason ? ` — ${check.reason}` : ""}${check.annotations ? `, ${check.annotations} annotations in ${check.requests} requests` : ""}`,
  );
}

async function postPending(
  request: PublishRequest,
  github: GitHubDestination,
  say: (l: string) => void,
) {
  const client = clientFor(request, github, say);
  const platforms = request.pending?.platforms ?? [];
  sayStatuses(
    say,
    await postStatuses(
      client,
      github.target,
      pendingStatuses(platforms, actionsRunUrl(request.env)),
      request.redact,
    ),
  );
  if (!wantsCheckRun(github.checkRun, github.token)) return;
  const check = await startCheckRun(client, github.target, platforms, {
    ...request,
    mode: github.checkRun,
  });
  say(
    `github: check run ${check.action === "created" ? "started" : check.action}${check.reason ? ` — ${check.reason}` : ""}`,
  );
}

function sayStatuses(say: (l: string) => void, outcomes: { post: StatusPost; posted: boolean }[]) {
  for (const { post, posted } of outcomes) {
    say(
      `github: ${post.context} ${post.state} "${post.description}" (${posted ? "posted" : "unchanged"})`,
    );
  }
}

/** The Actions run's page, for pending statuses, when running in GitHub Actions. */
function actionsRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

function indexBranch(request: PublishRequest): string {
  return request.config.indexBranch ?? "main";
}

function asHarnessError(error: unknown): HarnessError {
  if (error instanceof HarnessError) return error;
  const status = (error as { status?: number }).status;
  if (typeof status === "number") {
    return new HarnessError("EGITHUB", `GitHub answered ${status}: ${(error as Error).message}`, {
      hint:
        status === 401
          ? "check the token in GITHUB_TOKEN"
          : "check --github OWNER/REPO, --sha and the token's permissions",
      cause: error,
    });
  }
  throw error;
}
