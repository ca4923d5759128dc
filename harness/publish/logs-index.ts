// The logs repository's index (index.json + index.md on the index branch): every run, findable by
// the commit it tested and the pull request it belonged to.
import { isDeepStrictEqual } from "node:util";
import type { Status } from "../results/status.ts";
import type { LinkedRun } from "./links.ts";
import { compareText } from "../util/compare.ts";

/** One run in the index. */
export interface IndexEntry {
  runId: string;
  /** The logs-repository branch with the run's files. */
  branch: string;
  /** That branch's commit. */
  commit: string;
  startedAt: string;
  finishedAt: string;
  state: "complete" | "interrupted";
  exitCode: number;
  counts: Record<Status, number>;
  /** OWNER/REPO and commit under test, and its pull request, when known. */
  repo?: string;
  sha?: string;
  pr?: number;
  url?: string;
}

/** index.json. */
export interface LogsIndex {
  schemaVersion: 1;
  runs: IndexEntry[];
}

/** The index entry for a published run. */
export function indexEntry(
  run: LinkedRun,
  published: { branch: string; commit: string },
  about: { repo?: string; sha?: string; pr?: number },
): IndexEntry {
  return {
    runId: run.runId,
    ...published,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    state: run.state,
    exitCode: run.exitCode,
    counts: run.counts,
    ...about,
    ...(run.logsUrl === undefined ? {} : { url: run.logsUrl }),
  };
}

/** Parses index.json; a missing or unreadable index starts empty. */
export function parseIndex(text: string | undefined): LogsIndex {
  if (text === undefined) return { schemaVersion: 1, runs: [] };
  try {
    const parsed = JSON.parse(text) as Partial<LogsIndex>;
    return { schemaVersion: 1, runs: Array.isArray(parsed.runs) ? parsed.runs : [] };
  } catch {
    return { schemaVersion: 1, runs: [] };
  }
}

/** The index with `entry` in place (newest run first); undefined when it is already there as is. */
export function addToIndex(index: LogsIndex, entry: IndexEntry): LogsIndex | undefined {
  const old = index.runs.find((r) => r.runId === entry.runId);
  if (old && isDeepStrictEqual(old, entry)) return undefined;
  const runs = [...index.runs.filter((r) => r.runId !== entry.runId), entry].sort(
    (a, b) => compareText(b.startedAt, a.startedAt) || compareText(a.runId, b.runId),
  );
  return { schemaVersion: 1, runs };
}

/** index.json's text. */
export function indexJson(index: LogsIndex): string {
  return `${JSON.stringify(index, null, 2)}\n`;
}

/** index.md: all runs, then the runs of each pull request and of each commit. */
export function indexMarkdown(index: LogsIndex): string {
  const lines = [
    "# harness runs",
    "",
    "| run | result | commit | PR | started |",
    "|---|---|---|---|---|",
  ];
  for (const run of index.runs) {
    lines.push(
      `| ${runLink(run)} | ${result(run)} | ${commit(run)} | ${run.pr === undefined ? "" : `#${run.pr}`} | ${run.startedAt} |`,
    );
  }
  lines.push("", "## By pull request", "");
  for (const [pr, runs] of groupBy(index.runs, (r) =>
    r.pr === undefined ? undefined : `#${r.pr}`,
  )) {
    lines.push(
      `- **${pr}**: ${runs.map((r) => `${runLink(r)} (${result(r)}, ${commit(r)})`).join(", ")}`,
    );
  }
  lines.push("", "## By commit", "");
  for (const [sha, runs] of groupBy(index.runs, (r) => r.sha)) {
    lines.push(
      `- **${sha.slice(0, 12)}**${runs[0]?.repo ? ` (${runs[0].repo})` : ""}: ${runs.map((r) => `${runLink(r)} (${result(r)})`).join(", ")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function runLink(run: IndexEntry): string {
  return run.url === undefined
    ? `\`${run.runId}\` (branch \`${run.branch}\`)`
    : `[${run.runId}](${run.url})`;
}

function commit(run: IndexEntry): string {
  return run.sha === undefined ? "" : `\`${run.sha.slice(0, 12)}\``;
}

function result(run: IndexEntry): string {
  const bad = run.counts.fail + run.counts.timeout;
  if (run.state === "interrupted") return "interrupted";
  if (bad > 0) return `❌ ${bad} failed`;
  if (run.counts.error > 0) return `💥 ${run.counts.error} errors`;
  return `✅ ${run.counts.pass + run.counts.flaky} passed`;
}

function groupBy(runs: readonly IndexEntry[], key: (run: IndexEntry) => string | undefined) {
  const groups = new Map<string, IndexEntry[]>();
  for (const run of runs) {
    const k = key(run);
    if (k !== undefined) groups.set(k, [...(groups.get(k) ?? []), run]);
  }
  return groups;
}
