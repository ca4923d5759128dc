// The fake GitHub's issues: list by label and state (paged, with GitHub's Link header), create,
// update (close, reopen) and comment, answered with the documented examples filled with the state.
import type { Context, Reply, StoredIssue } from "./github-handlers.ts";
import { error } from "./github-handlers.ts";

type Json = Record<string, unknown>;

/** The issue operations by operationId. */
export const ISSUE_HANDLERS: Record<string, (ctx: Context) => Reply> = {
  "issues/list-for-repo": listIssues,
  "issues/create": createIssue,
  "issues/update": updateIssue,
  "issues/create-comment": createComment,
};

/** Adds an issue to the fake's state, as if someone had opened it before. */
export function storeIssue(
  state: Context["state"],
  issue: Pick<StoredIssue, "repo" | "title" | "body" | "labels"> & Partial<StoredIssue>,
): StoredIssue {
  const now = timestamp();
  const stored: StoredIssue = {
    id: state.nextId++,
    number: state.issues.filter((i) => i.repo === issue.repo).length + 1,
    state: "open",
    state_reason: null,
    comments: [],
    created_at: now,
    updated_at: now,
    closed_at: null,
    ...issue,
  };
  state.issues.push(stored);
  return stored;
}

function listIssues(ctx: Context): Reply {
  const state = ctx.query.get("state") ?? "open";
  const labels = (ctx.query.get("labels") ?? "").split(",").filter((l) => l !== "");
  const perPage = Number(ctx.query.get("per_page") ?? 30);
  const page = Number(ctx.query.get("page") ?? 1);
  const matching = ctx.state.issues
    .filter((i) => i.repo === ctx.repo && (state === "all" || i.state === state))
    .filter((i) => labels.every((l) => i.labels.includes(l)))
    .sort((a, b) => b.number - a.number);
  const slice = matching.slice((page - 1) * perPage, page * perPage);
  const [example] = ctx.openapi.example(ctx.matched.operation, 200) as unknown as Json[];
  const headers: Record<string, string> = {};
  if (page * perPage < matching.length) {
    const next = new URL(`https://api.github.com/repos/${ctx.repo}/issues`);
    ctx.query.forEach((value, key) => next.searchParams.set(key, value));
    next.searchParams.set("page", String(page + 1));
    headers.link = `<${next.href}>; rel="next"`;
  }
  return { status: 200, body: slice.map((i) => issueJson(ctx, i, example ?? {})), headers };
}

function createIssue(ctx: Context): Reply {
  const issue = storeIssue(ctx.state, {
    repo: ctx.repo,
    title: String(ctx.body.title),
    body: (ctx.body.body as string | undefined) ?? null,
    labels: labelNames(ctx.body.labels),
  });
  const example = ctx.openapi.example(ctx.matched.operation, 201);
  return { status: 201, body: issueJson(ctx, issue, example) };
}

function updateIssue(ctx: Context): Reply {
  const number = Number(ctx.matched.pathParams.issue_number);
  const issue = ctx.state.issues.find((i) => i.repo === ctx.repo && i.number === number);
  if (!issue) return error(404, "Not Found");
  const b = ctx.body;
  const refused = stateReasonRule(b.state ?? issue.state, b.state_reason);
  if (refused) return refused;
  if (typeof b.title === "string") issue.title = b.title;
  if (typeof b.body === "string") issue.body = b.body;
  if (b.labels !== undefined) issue.labels = labelNames(b.labels);
  if (b.state === "closed" || b.state === "open") {
    issue.state = b.state;
    issue.closed_at = b.state === "closed" ? timestamp() : null;
    issue.state_reason = (b.state_reason as string | undefined) ?? null;
  }
  issue.updated_at = timestamp();
  return {
    status: 200,
    body: issueJson(ctx, issue, ctx.openapi.example(ctx.matched.operation, 200)),
  };
}

function createComment(ctx: Context): Reply {
  const number = Number(ctx.matched.pathParams.issue_number);
  const issue = ctx.state.issues.find((i) => i.repo === ctx.repo && i.number === number);
  if (!issue) return error(404, "Not Found");
  const text = typeof ctx.body.body === "string" ? ctx.body.body : "";
  if (text.length > 65_536) return error(422, "Body is too long");
  issue.comments.push(text);
  issue.updated_at = timestamp();
  const id = ctx.state.nextId++;
  const url = `https://api.github.com/repos/${ctx.repo}/issues/comments/${id}`;
  const body = {
    ...ctx.openapi.example(ctx.matched.operation, 201),
    id,
    node_id: `IC_${id}`,
    url,
    html_url: `https://github.com/${ctx.repo}/issues/${number}#issuecomment-${id}`,
    issue_url: `https://api.github.com/repos/${ctx.repo}/issues/${number}`,
    body: ctx.body.body,
    created_at: issue.updated_at,
    updated_at: issue.updated_at,
  };
  return { status: 201, body, headers: { location: url } };
}

/** GitHub: "reopened" goes with an open issue, "completed"/"not_planned" with a closed one. */
function stateReasonRule(state: unknown, reason: unknown): Reply | undefined {
  if (reason === undefined || reason === null) return undefined;
  if ((reason === "reopened") === (state === "open")) return undefined;
  return error(422, "Validation Failed", {
    errors: [{ resource: "Issue", code: "invalid", field: "state_reason" }],
  });
}

function labelNames(labels: unknown): string[] {
  if (!Array.isArray(labels)) return [];
  return labels.map((l: unknown) => (typeof l === "string" ? l : String((l as Json).name)));
}

function issueJson(ctx: Context, issue: StoredIssue, example: Json): Json {
  const url = `https://api.github.com/repos/${ctx.repo}/issues/${issue.number}`;
  // An issue, not a pull request.
  const base = { ...example };
  delete base.pull_request;
  const labelExample = ((example.labels as Json[] | undefined) ?? [])[0] ?? {};
  return {
    ...base,
    id: issue.id,
    node_id: `I_${issue.id}`,
    url,
    repository_url: `https://api.github.com/repos/${ctx.repo}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `https://github.com/${ctx.repo}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.state_reason,
    title: issue.title,
    body: issue.body,
    labels: issue.labels.map((name, i) => ({ ...labelExample, id: 9000 + i, name })),
    comments: issue.comments.length,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
  };
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}
