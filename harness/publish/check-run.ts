// The check run "harness": in progress while the run goes, then completed with a Markdown summary
// and annotations on the failing case files (50 per request). Checks need an Actions or App token.
import { HarnessError } from "../errors.ts";
import { redactValue, type Redact } from "../util/redact.ts";
import { annotationsFor, batches } from "./annotations.ts";
import { checkSummary, checkTitle } from "./check-summary.ts";
import type { GitHubClient, GitHubTarget } from "./github-client.ts";
import type { LinkedRun } from "./links.ts";
import { runState } from "./status-text.ts";

/** The check run's name. */
export const CHECK_NAME = "harness";

/** --check-run: auto posts one when the token can (an Actions or App installation token). */
export type CheckRunMode = "auto" | "always" | "never";

/** What publishing the check run did. */
export interface CheckRunOutcome {
  action: "created" | "updated" | "unchanged" | "skipped";
  requests: number;
  annotations: number;
  reason?: string;
}

type Conclusion = "success" | "failure" | "cancelled";

/** Whether to post a check run: Actions' GITHUB_TOKEN and App installation tokens start ghs_. */
export function wantsCheckRun(mode: CheckRunMode, token: string): boolean {
  return mode === "always" || (mode === "auto" && token.startsWith("ghs_"));
}

/** Completes the run's check run (reusing the one --pending started), or leaves an equal one be. */
export async function publishCheckRun(
  client: GitHubClient,
  target: GitHubTarget,
  run: LinkedRun,
  options: { repoRoot: string; redact: Redact; mode: CheckRunMode },
): Promise<CheckRunOutcome> {
  return withoutPermission(options.mode, async () => {
    const state = runState(run);
    const conclusion: Conclusion =
      run.state === "interrupted" ? "cancelled" : state === "success" ? "success" : "failure";
    const title = options.redact(checkTitle(run));
    const summary = options.redact(checkSummary(run));
    const annotations = redactValue(annotationsFor(run, options.repoRoot), options.redact);
    const existing = (await listCheckRuns(client, target)).find(
      (c) => c.external_id === run.runId || c.status !== "completed",
    );
    const same =
      existing?.status === "completed" &&
      existing.conclusion === conclusion &&
      existing.output.title === title &&
      existing.output.summary === summary;
    if (same) return { action: "unchanged", requests: 0, annotations: 0 };
    // Updates append annotations: the ones an earlier attempt already sent are not sent again.
    const unsent = annotations.slice(existing?.output.annotations_count ?? 0);
    const [first = [], ...rest] = batches(unsent);
    const body = {
      owner: target.owner,
      repo: target.repo,
      external_id: run.runId,
      status: "completed" as const,
      conclusion,
      started_at: run.startedAt,
      completed_at: run.finishedAt,
      output: { title, summary, annotations: first },
      ...(run.logsUrl === undefined ? {} : { details_url: options.redact(run.logsUrl) }),
    };
    const id = existing
      ? (await client.rest.checks.update({ ...body, check_run_id: existing.id })).data.id
      : (await client.rest.checks.create({ ...body, name: CHECK_NAME, head_sha: target.sha })).data
          .id;
    for (const batch of rest) {
      const output = { title, summary, annotations: batch };
      await client.rest.checks.update({
        owner: target.owner,
        repo: target.repo,
        check_run_id: id,
        output,
      });
    }
    return {
      action: existing ? "updated" : "created",
      requests: 1 + rest.length,
      annotations: unsent.length,
    };
  });
}

/** Starts the check run as in progress, unless one already is. */
export async function startCheckRun(
  client: GitHubClient,
  target: GitHubTarget,
  platforms: readonly string[],
  options: { redact: Redact; mode: CheckRunMode },
): Promise<CheckRunOutcome> {
  return withoutPermission(options.mode, async () => {
    const running = (await listCheckRuns(client, target)).some((c) => c.status !== "completed");
    if (running) return { action: "unchanged", requests: 0, annotations: 0 };
    const where = platforms.length > 0 ? ` on ${platforms.join(", ")}` : "";
    await client.rest.checks.create({
      owner: target.owner,
      repo: target.repo,
      name: CHECK_NAME,
      head_sha: target.sha,
      status: "in_progress",
      started_at: new Date().toISOString(),
      output: { title: "running", summary: options.redact(`harness is running${where}.`) },
    });
    return { action: "created", requests: 1, annotations: 0 };
  });
}

async function listCheckRuns(client: GitHubClient, target: GitHubTarget) {
  const { data } = await client.rest.checks.listForRef({
    owner: target.owner,
    repo: target.repo,
    ref: target.sha,
    check_name: CHECK_NAME,
    filter: "all",
    per_page: 100,
  });
  return data.check_runs;
}

/**
 * A token that may not write checks (a personal token, or a workflow without `checks: write`)
 * skips the check run in auto mode; the statuses still carry the result.
 */
async function withoutPermission(
  mode: CheckRunMode,
  work: () => Promise<CheckRunOutcome>,
): Promise<CheckRunOutcome> {
  try {
    return await work();
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== 403 || /rate limit/i.test((error as Error).message)) throw error;
    const reason = `GitHub refused the check run: ${(error as Error).message}`;
    if (mode === "auto") return { action: "skipped", requests: 0, annotations: 0, reason };
    throw new HarnessError("ECHECKRUN", reason, {
      hint: "use an Actions token with `permissions: checks: write` or a GitHub App token, or pass --check-run never",
      cause: error,
    });
  }
}
