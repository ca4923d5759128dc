// Commit statuses: one per platform (harness/qemu, harness/gcp, …) and harness/summary for branch
// protection. Only changes are posted: what GitHub already shows is read first and left alone.
import type { Redact } from "../util/redact.ts";
import type { GitHubClient, GitHubTarget } from "./github-client.ts";
import type { LinkedRun } from "./links.ts";
import {
  cellsState,
  describeCells,
  describePending,
  fitDescription,
  type CommitState,
} from "./status-text.ts";

/** The context of the summary status, the one to require in branch protection. */
export const SUMMARY_CONTEXT = "harness/summary";

/** One status to show. */
export interface StatusPost {
  context: string;
  state: CommitState;
  description: string;
  targetUrl?: string;
}

/** The statuses of a finished run: each platform's, then the summary. */
export function finalStatuses(run: LinkedRun): StatusPost[] {
  const interrupted = run.state === "interrupted";
  const platforms = [
    ...new Set([...run.inputs.platforms, ...run.cells.map((c) => c.platform)]),
  ].sort();
  const post = (context: string, cells: LinkedRun["cells"]): StatusPost => {
    const state = cellsState(cells, interrupted);
    return {
      context,
      state,
      description: describeCells(cells, state, interrupted),
      ...(run.logsUrl === undefined ? {} : { targetUrl: run.logsUrl }),
    };
  };
  return [
    ...platforms.map((p) =>
      post(
        `harness/${p}`,
        run.cells.filter((c) => c.platform === p),
      ),
    ),
    post(SUMMARY_CONTEXT, run.cells),
  ];
}

/** The statuses of a run about to start. */
export function pendingStatuses(platforms: readonly string[], targetUrl?: string): StatusPost[] {
  const pending = (context: string, platform?: string): StatusPost => ({
    context,
    state: "pending",
    description: describePending(platform),
    ...(targetUrl === undefined ? {} : { targetUrl }),
  });
  return [...platforms.map((p) => pending(`harness/${p}`, p)), pending(SUMMARY_CONTEXT)];
}

/** What happened to each status. */
export interface StatusOutcome {
  post: StatusPost;
  posted: boolean;
}

/** Posts the statuses that differ from what the commit shows now; the others are skipped. */
export async function postStatuses(
  client: GitHubClient,
  target: GitHubTarget,
  posts: readonly StatusPost[],
  redact: Redact,
): Promise<StatusOutcome[]> {
  const { data } = await client.rest.repos.getCombinedStatusForRef({
    owner: target.owner,
    repo: target.repo,
    ref: target.sha,
    per_page: 100,
  });
  const shown = new Map(data.statuses.map((s) => [s.context.toLowerCase(), s]));
  const outcomes: StatusOutcome[] = [];
  for (const raw of posts) {
    const post = redacted(raw, redact);
    const now = shown.get(post.context.toLowerCase());
    const same =
      now !== undefined &&
      now.state === post.state &&
      (now.description ?? "") === post.description &&
      (now.target_url ?? undefined) === post.targetUrl;
    if (!same) {
      await client.rest.repos.createCommitStatus({
        owner: target.owner,
        repo: target.repo,
        sha: target.sha,
        context: post.context,
        state: post.state,
        description: post.description,
        ...(post.targetUrl === undefined ? {} : { target_url: post.targetUrl }),
      });
    }
    outcomes.push({ post, posted: !same });
  }
  return outcomes;
}

/** Redacts before fitting: a secret cut in half by fitting would no longer be recognised. */
function redacted(post: StatusPost, redact: Redact): StatusPost {
  return {
    ...post,
    description: fitDescription(redact(post.description)),
    ...(post.targetUrl === undefined ? {} : { targetUrl: redact(post.targetUrl) }),
  };
}
