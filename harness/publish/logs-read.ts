// Reading runs back from the logs repository: the newest complete run whose id matches a glob (the
// previous nightly), or the newest N of them (a history), found through the index branch, each
// run.json taken from its run branch.
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { globMatch, globProblem } from "../util/glob.ts";
import type { Redact } from "../util/redact.ts";
import { ownedTempFolder, removeOwnedFolder } from "../util/owner-folder.ts";
import { HarnessError } from "../errors.ts";
import { gitIn, type Git } from "./git.ts";
import { parseIndex, type IndexEntry } from "./logs-index.ts";
import { fetchRef, runBranch } from "./logs-repo.ts";
import type { LogsRepoUrl } from "./logs-url.ts";
import { compareText } from "../util/compare.ts";

/** Where to look and how to reach it. */
export interface LogsReadOptions {
  repo: LogsRepoUrl;
  indexBranch: string;
  env: NodeJS.ProcessEnv;
  redact: Redact;
  signal: AbortSignal;
}

/** Which run to take: a given id, or the newest complete one matching `match` (not `exclude`). */
export type RunChoice = { runId: string } | { match: string; exclude?: string };

/** A run read back: its index entry and its run.json text. */
export interface PublishedRun {
  entry: IndexEntry;
  runJson: string;
}

/** The chosen run, or undefined when the index has none that fits. */
export async function readPublishedRun(
  options: LogsReadOptions,
  choice: RunChoice,
): Promise<PublishedRun | undefined> {
  // Named after this process: should it be killed, the next run removes the clone.
  const scratch = await ownedTempFolder("harness-logs-read-");
  try {
    const git = gitIn(scratch, options);
    await git(["init", "--quiet", "--bare"]);
    const url = options.repo.url;
    const index = await fetchRef(git, url, options.indexBranch, "refs/harness/index-remote");
    if (index === undefined) return undefined;
    const text = await git(["cat-file", "blob", `${index}:index.json`]).catch(() => undefined);
    const entry = chooseRun(parseIndex(text).runs, choice);
    if (!entry) return undefined;
    const tip = await fetchRef(
      git,
      url,
      entry.branch || runBranch(entry.runId),
      "refs/harness/run",
    );
    if (tip === undefined) return undefined;
    return { entry, runJson: await runJsonAt(git, scratch, tip) };
  } finally {
    await removeOwnedFolder(scratch);
  }
}

/** The entry for a given id, or the newest complete run matching the glob. */
export function chooseRun(runs: readonly IndexEntry[], choice: RunChoice): IndexEntry | undefined {
  if ("runId" in choice) return runs.find((r) => r.runId === choice.runId);
  return matchingRuns(runs, choice)[0];
}

/** The complete runs whose ids match the glob (not `exclude`), newest first. */
export function matchingRuns(
  runs: readonly IndexEntry[],
  choice: { match: string; exclude?: string },
): IndexEntry[] {
  const badGlob = globProblem(choice.match, "--match");
  if (badGlob) throw badGlob;
  return [...runs]
    .filter((r) => r.state === "complete" && r.runId !== choice.exclude)
    .filter((r) => globMatch(choice.match, r.runId))
    .sort((a, b) => compareText(b.startedAt, a.startedAt) || compareText(b.runId, a.runId));
}

/** The newest `limit` complete runs matching the glob, newest first; runs whose branch is gone are left out. */
export async function readPublishedRuns(
  options: LogsReadOptions,
  choice: { match: string; exclude?: string; limit: number },
): Promise<PublishedRun[]> {
  const scratch = await ownedTempFolder("harness-logs-read-");
  try {
    const git = gitIn(scratch, options);
    await git(["init", "--quiet", "--bare"]);
    const url = options.repo.url;
    const index = await fetchRef(git, url, options.indexBranch, "refs/harness/index-remote");
    if (index === undefined) return [];
    const text = await git(["cat-file", "blob", `${index}:index.json`]).catch(() => undefined);
    const found: PublishedRun[] = [];
    for (const entry of matchingRuns(parseIndex(text).runs, choice)) {
      if (found.length >= choice.limit) break;
      const ref = `refs/harness/run-${found.length}`;
      const tip = await fetchRef(git, url, entry.branch || runBranch(entry.runId), ref);
      if (tip !== undefined) found.push({ entry, runJson: await runJsonAt(git, scratch, tip) });
    }
    return found;
  } finally {
    await removeOwnedFolder(scratch);
  }
}

// Large files are published gzipped (run.json.gz); either form is read back as text. git prints
// blobs as text, so the file is checked out into a scratch folder and read as bytes.
async function runJsonAt(git: Git, scratch: string, commit: string): Promise<string> {
  const names = (await git(["ls-tree", "--name-only", commit])).split("\n");
  const name = ["run.json", "run.json.gz"].find((n) => names.includes(n));
  if (name === undefined) {
    throw new HarnessError("ELOGSREAD", `the logs repository's ${commit} holds no run.json`, {
      hint: "the run branch was not written by harness publish; pick another run",
    });
  }
  const tree = join(scratch, "tree");
  await mkdir(tree, { recursive: true });
  await git(["-c", "core.bare=false", "--work-tree", tree, "checkout", commit, "--", name]);
  const bytes = await readFile(join(tree, name));
  return (name.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
}
