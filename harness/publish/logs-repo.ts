// Publishing a run to the logs repository: the run on its own orphan branch `runs/<run-id>`, then
// its entry in the index branch. Pushes that lose a race are retried; a republish pushes nothing.
import { ownedTempFolder, removeOwnedFolder } from "../util/owner-folder.ts";
import type { Redact } from "../util/redact.ts";
import { withBackoff, DEFAULT_BACKOFF, type BackoffPolicy } from "./backoff.ts";
import { writeCommit } from "./fast-import.ts";
import { GitError, gitIn, isRejectedPush, type Git } from "./git.ts";
import type { LinkedRun } from "./links.ts";
import { addToIndex, indexEntry, indexJson, indexMarkdown, parseIndex } from "./logs-index.ts";
import type { LogsRepoUrl } from "./logs-url.ts";
import type { RunTree } from "./run-tree.ts";

/** The logs-repository branch of a run. */
export function runBranch(runId: string): string {
  return `runs/${runId}`;
}

/** Everything publishToLogsRepo needs. */
export interface LogsPublishOptions {
  repo: LogsRepoUrl;
  indexBranch: string;
  run: LinkedRun;
  tree: RunTree;
  about: { repo?: string; sha?: string; pr?: number };
  env: NodeJS.ProcessEnv;
  redact: Redact;
  signal: AbortSignal;
  log: (line: string) => void;
  backoff?: BackoffPolicy;
  /** Wraps the git runner; tests use it to stage a lost race. */
  wrapGit?: (git: Git) => Git;
}

/** What publishing did. */
export interface LogsPublishResult {
  branch: string;
  commit: string;
  runPushed: boolean;
  indexUpdated: boolean;
}

/** Pushes the run's branch, then its index entry; returns what changed. */
export async function publishToLogsRepo(options: LogsPublishOptions): Promise<LogsPublishResult> {
  // Named after this process: should it be killed, the next run removes the clone.
  const scratch = await ownedTempFolder("harness-publish-");
  try {
    const base = gitIn(scratch, options);
    const git = options.wrapGit ? options.wrapGit(base) : base;
    await git(["init", "--quiet", "--bare"]);
    const branch = runBranch(options.run.runId);
    const run = await pushRunBranch(git, options, branch);
    const entry = indexEntry(options.run, { branch, commit: run.commit }, options.about);
    const indexUpdated = await retryingRace(options, "index", () =>
      updateIndex(git, options, (index) => addToIndex(index, entry)),
    );
    return { branch, ...run, indexUpdated };
  } finally {
    await removeOwnedFolder(scratch);
  }
}

async function pushRunBranch(git: Git, options: LogsPublishOptions, branch: string) {
  const url = options.repo.url;
  const local = await writeCommit(git, {
    ref: "refs/harness/run",
    date: new Date(options.run.finishedAt),
    message: `run ${options.run.runId}`,
    files: options.tree.files,
  });
  return retryingRace(options, branch, async () => {
    // Pushing first answers the common cases in one round trip: a new run, or the very same run.
    try {
      const flag = await push(git, url, local, branch);
      return { commit: local, runPushed: flag !== "=" };
    } catch (error) {
      if (!isRejectedPush(error)) throw error;
      return pushOnTop(git, options, branch, local, error);
    }
  });
}

/**
 * The branch holds other commits: the run published before with other content (a merged shard, a
 * new link template) or by a concurrent publisher. Equal trees mean nothing to do; otherwise a
 * commit on top keeps what was published before.
 */
async function pushOnTop(
  git: Git,
  options: LogsPublishOptions,
  branch: string,
  local: string,
  rejection: unknown,
) {
  const remote = await fetchRef(git, options.repo.url, branch, "refs/harness/run-remote");
  if (remote === undefined) throw rejection;
  const [ours, theirs] = await Promise.all([treeOf(git, local), treeOf(git, remote)]);
  if (ours === theirs) return { commit: remote, runPushed: false };
  const message = `run ${options.run.runId} (updated)`;
  const commit = (await git(["commit-tree", ours, "-p", remote, "-m", message])).trim();
  await push(git, options.repo.url, commit, branch);
  return { commit, runPushed: true };
}

/** One attempt at the index: fetch the tip, apply `change`, push; false when nothing changed. */
async function updateIndex(
  git: Git,
  options: LogsPublishOptions,
  change: (index: ReturnType<typeof parseIndex>) => ReturnType<typeof addToIndex>,
): Promise<boolean> {
  const url = options.repo.url;
  const tip = await fetchRef(git, url, options.indexBranch, "refs/harness/index-remote");
  const text =
    tip === undefined
      ? undefined
      : await git(["cat-file", "blob", `${tip}:index.json`]).catch(() => undefined);
  const next = change(parseIndex(text));
  if (next === undefined) return false;
  const commit = await writeCommit(git, {
    ref: "refs/harness/index",
    date: new Date(),
    message: `index: ${options.run.runId}`,
    ...(tip === undefined ? {} : { parent: tip, keepParentFiles: true }),
    files: [
      { path: "index.json", data: Buffer.from(options.redact(indexJson(next))) },
      { path: "index.md", data: Buffer.from(options.redact(indexMarkdown(next))) },
    ],
  });
  await push(git, url, commit, options.indexBranch);
  return true;
}

function retryingRace<T>(
  options: LogsPublishOptions,
  what: string,
  attempt: (n: number) => Promise<T>,
) {
  return withBackoff(attempt, {
    policy: options.backoff ?? DEFAULT_BACKOFF,
    retryable: isRejectedPush,
    signal: options.signal,
    onRetry: (_error, delayMs, number) =>
      options.log(
        `logs: push of ${what} lost a race with another publisher (try ${number}); retrying in ${delayMs} ms`,
      ),
  });
}

/** Fetches the tip of `branch` (its last commit only); undefined when the branch does not exist. */
export async function fetchRef(
  git: Git,
  url: string,
  branch: string,
  into: string,
): Promise<string | undefined> {
  try {
    await git(["fetch", "--quiet", "--no-tags", "--depth=1", url, `+refs/heads/${branch}:${into}`]);
  } catch (error) {
    if (error instanceof GitError && /couldn't find remote ref/i.test(error.stderr))
      return undefined;
    throw error;
  }
  return (await git(["rev-parse", into])).trim();
}

async function treeOf(git: Git, commit: string): Promise<string> {
  return (await git(["rev-parse", `${commit}^{tree}`])).trim();
}

/**
 * Pushes `commit` to `branch`; only a fast-forward (or a new branch) is accepted. Returns git's
 * porcelain flag: "*" new branch, " " fast-forward, "=" already there.
 */
async function push(git: Git, url: string, commit: string, branch: string): Promise<string> {
  const ref = `refs/heads/${branch}`;
  const out = await git(["push", "--porcelain", url, `${commit}:${ref}`]);
  const line = out
    .split("\n")
    .find((l) => l.includes(`\t${commit}:${ref}\t`) || l.includes(`:${ref}\t`));
  return line?.[0] ?? " ";
}
