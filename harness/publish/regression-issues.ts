// One GitHub issue per regressed cell: opened when a nightly confirms a regression, commented on
// (and reopened) when the cell fails again, closed when a later nightly passes it. Issues are found
// by their label and the cell marker in their body, so titles may be edited freely.
import { cellKey, combinedStatus, type CellDiff } from "../results/compare.ts";
import type { RunRecord } from "../results/run-record.ts";
import type { Redact } from "../util/redact.ts";
import type { GitHubClient } from "./github-client.ts";
import {
  againComment,
  cellOfIssue,
  issueBody,
  issueTitle,
  passedComment,
  type IssueRuns,
} from "./issue-text.ts";

/** What was done to one issue. */
export interface IssueAction {
  action: "opened" | "commented" | "reopened" | "closed";
  key: string;
  number: number;
}

/** Where the issues live and how they are told apart from others. */
export interface IssueSync {
  owner: string;
  repo: string;
  label: string;
  redact: Redact;
}

interface KnownIssue {
  number: number;
  state: string;
  key: string;
}

/** Opens, updates and closes the issues for `regressions` and the cells `current` passes. */
export async function syncRegressionIssues(
  client: GitHubClient,
  sync: IssueSync,
  regressions: readonly CellDiff[],
  current: RunRecord & { logsUrl?: string },
): Promise<IssueAction[]> {
  const runs: IssueRuns = {
    currentRunId: current.runId,
    ...(current.logsUrl === undefined ? {} : { currentUrl: current.logsUrl }),
  };
  const known = await knownIssues(client, sync);
  const actions: IssueAction[] = [];
  for (const cell of regressions)
    actions.push(...(await reportRegression(client, sync, cell, known.get(cell.key), runs)));
  const passing = passingKeys(current);
  for (const issue of known.values()) {
    if (issue.state !== "open" || !passing.has(issue.key)) continue;
    await comment(client, sync, issue.number, passedComment(runs, sync.redact));
    await client.rest.issues.update({
      owner: sync.owner,
      repo: sync.repo,
      issue_number: issue.number,
      state: "closed",
      state_reason: "completed",
    });
    actions.push({ action: "closed", key: issue.key, number: issue.number });
  }
  return actions;
}

async function reportRegression(
  client: GitHubClient,
  sync: IssueSync,
  cell: CellDiff,
  issue: KnownIssue | undefined,
  runs: IssueRuns,
): Promise<IssueAction[]> {
  const { owner, repo } = sync;
  if (!issue) {
    const { data } = await client.rest.issues.create({
      owner,
      repo,
      title: sync.redact(issueTitle(cell)),
      body: issueBody(cell, runs, sync.redact),
      labels: [sync.label],
    });
    return [{ action: "opened", key: cell.key, number: data.number }];
  }
  const actions: IssueAction[] = [];
  if (issue.state !== "open") {
    await client.rest.issues.update({
      owner,
      repo,
      issue_number: issue.number,
      state: "open",
      state_reason: "reopened",
    });
    issue.state = "open";
    actions.push({ action: "reopened", key: cell.key, number: issue.number });
  }
  await comment(client, sync, issue.number, againComment(cell, runs, sync.redact));
  actions.push({ action: "commented", key: cell.key, number: issue.number });
  return actions;
}

async function comment(client: GitHubClient, sync: IssueSync, number: number, body: string) {
  await client.rest.issues.createComment({
    owner: sync.owner,
    repo: sync.repo,
    issue_number: number,
    body,
  });
}

/** The label's issues by cell: an open one wins over closed ones, then the newest. */
async function knownIssues(
  client: GitHubClient,
  sync: IssueSync,
): Promise<Map<string, KnownIssue>> {
  const issues = await client.paginate(client.rest.issues.listForRepo, {
    owner: sync.owner,
    repo: sync.repo,
    labels: sync.label,
    state: "all",
    per_page: 100,
  });
  const known = new Map<string, KnownIssue>();
  for (const issue of issues) {
    const key = cellOfIssue(issue.body);
    if (key === undefined || issue.pull_request) continue;
    const old = known.get(key);
    const better =
      !old ||
      (issue.state === "open" && old.state !== "open") ||
      (issue.state === old.state && issue.number > old.number);
    if (better) known.set(key, { number: issue.number, state: issue.state, key });
  }
  return known;
}

/** Cells whose every repetition passed in the run. */
function passingKeys(run: RunRecord): Set<string> {
  const byKey = new Map<string, RunRecord["cells"]>();
  for (const cell of run.cells)
    byKey.set(cellKey(cell), [...(byKey.get(cellKey(cell)) ?? []), cell]);
  return new Set(
    [...byKey]
      .filter(([, cells]) => combinedStatus(cells.map((c) => c.status)) === "pass")
      .map(([k]) => k),
  );
}
