// The fake GitHub's operations: commit statuses, check runs and issues kept in memory, answered with
// the documented example responses filled in with that state.
import type { GitHubOpenApi, Matched } from "./github-openapi.ts";
import { ISSUE_HANDLERS } from "./github-issues.ts";

type Json = Record<string, unknown>;

/** A status as stored. */
export interface StoredStatus {
  id: number;
  repo: string;
  sha: string;
  context: string;
  state: string;
  description: string | null;
  target_url: string | null;
  created_at: string;
}

/** A check run as stored, with every annotation it was sent. */
export interface StoredCheckRun {
  id: number;
  repo: string;
  head_sha: string;
  name: string;
  status: string;
  conclusion: string | null;
  external_id: string;
  details_url: string | null;
  started_at: string | null;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Json[];
  /** Annotations per request that carried any. */
  annotationBatches: number[];
}

/** An issue as stored, with its comments. */
export interface StoredIssue {
  id: number;
  number: number;
  repo: string;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: string | null;
  labels: string[];
  comments: string[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

/** An answer. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What an operation sees. */
export interface Context {
  matched: Matched;
  repo: string;
  body: Json;
  query: URLSearchParams;
  token: string;
  state: State;
  openapi: GitHubOpenApi;
}

/** Everything the fake remembers. */
export interface State {
  statuses: StoredStatus[];
  checkRuns: StoredCheckRun[];
  issues: StoredIssue[];
  nextId: number;
}

type Handler = (ctx: Context) => Reply;

const DOCS = "https://docs.github.com/rest";

/** An error answer shaped like GitHub's. */
export function error(status: number, message: string, extra: Json = {}): Reply {
  return { status, body: { message, documentation_url: DOCS, status: String(status), ...extra } };
}

/** The implemented operations by operationId. */
export const HANDLERS: Record<string, Handler> = {
  "repos/create-commit-status": createStatus,
  "repos/get-combined-status-for-ref": combinedStatus,
  "checks/create": createCheckRun,
  "checks/update": updateCheckRun,
  "checks/list-for-ref": listCheckRuns,
  ...ISSUE_HANDLERS,
};

function createStatus(ctx: Context): Reply {
  const description = (ctx.body.description as string | null | undefined) ?? null;
  if (description !== null && [...description].length > 140) {
    return error(422, "Validation Failed", {
      errors: [
        {
          resource: "Status",
          code: "custom",
          field: "description",
          message: "description is too long (maximum is 140 characters)",
        },
      ],
    });
  }
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const status: StoredStatus = {
    id: ctx.state.nextId++,
    repo: ctx.repo,
    sha: ctx.matched.pathParams.sha as string,
    context: (ctx.body.context as string | undefined) ?? "default",
    state: ctx.body.state as string,
    description,
    target_url: (ctx.body.target_url as string | null | undefined) ?? null,
    created_at: now,
  };
  ctx.state.statuses.push(status);
  const body = { ...ctx.openapi.example(ctx.matched.operation, 201), ...statusJson(status) };
  return {
    status: 201,
    body,
    headers: { location: `https://api.github.com/repos/${ctx.repo}/statuses/${status.sha}` },
  };
}

function statusJson(status: StoredStatus): Json {
  const { id, context, state, description, target_url, created_at } = status;
  const url = `https://api.github.com/repos/${status.repo}/statuses/${status.sha}`;
  return {
    id,
    node_id: `SC_${id}`,
    url,
    context,
    state,
    description,
    target_url,
    created_at,
    updated_at: created_at,
  };
}

function combinedStatus(ctx: Context): Reply {
  const ref = ctx.matched.pathParams.ref as string;
  const latest = new Map<string, StoredStatus>();
  for (const s of ctx.state.statuses) {
    if (s.repo === ctx.repo && s.sha === ref) latest.set(s.context.toLowerCase(), s);
  }
  const statuses = [...latest.values()].reverse();
  const states = statuses.map((s) => s.state);
  const combined = states.some((s) => s === "error" || s === "failure")
    ? "failure"
    : states.length === 0 || states.includes("pending")
      ? "pending"
      : "success";
  const perPage = Number(ctx.query.get("per_page") ?? 30);
  const example = ctx.openapi.example(ctx.matched.operation, 200);
  const body = {
    ...example,
    state: combined,
    sha: ref,
    total_count: statuses.length,
    statuses: statuses
      .slice(0, perPage)
      .map((s) => ({ ...(example.statuses as Json[])[0], ...statusJson(s) })),
    url: `https://api.github.com/repos/${ctx.repo}/commits/${ref}/status`,
    commit_url: `https://api.github.com/repos/${ctx.repo}/commits/${ref}`,
  };
  return { status: 200, body };
}

function needsApp(ctx: Context): Reply | undefined {
  if (ctx.token.startsWith("ghs_")) return undefined;
  return error(403, "You must authenticate via a GitHub App.", {
    documentation_url: `${DOCS}/checks/runs#create-a-check-run`,
  });
}

function createCheckRun(ctx: Context): Reply {
  const refused = needsApp(ctx) ?? completionRule(ctx.body);
  if (refused) return refused;
  const output = (ctx.body.output as Json | undefined) ?? {};
  const run: StoredCheckRun = {
    id: ctx.state.nextId++,
    repo: ctx.repo,
    head_sha: ctx.body.head_sha as string,
    name: ctx.body.name as string,
    status: ctx.body.conclusion
      ? "completed"
      : ((ctx.body.status as string | undefined) ?? "queued"),
    conclusion: (ctx.body.conclusion as string | undefined) ?? null,
    external_id: (ctx.body.external_id as string | undefined) ?? "",
    details_url: (ctx.body.details_url as string | undefined) ?? null,
    started_at: (ctx.body.started_at as string | undefined) ?? new Date().toISOString(),
    completed_at: (ctx.body.completed_at as string | undefined) ?? null,
    output: { title: null, summary: null, text: null },
    annotations: [],
    annotationBatches: [],
  };
  applyOutput(run, output);
  ctx.state.checkRuns.push(run);
  return { status: 201, body: checkRunJson(ctx, run, 201) };
}

function updateCheckRun(ctx: Context): Reply {
  const refused = needsApp(ctx) ?? completionRule(ctx.body);
  if (refused) return refused;
  const id = Number(ctx.matched.pathParams.check_run_id);
  const run = ctx.state.checkRuns.find((c) => c.id === id && c.repo === ctx.repo);
  if (!run) return error(404, "Not Found");
  const b = ctx.body;
  if (b.conclusion) Object.assign(run, { status: "completed", conclusion: b.conclusion });
  else if (b.status) run.status = b.status as string;
  for (const key of ["external_id", "details_url", "started_at", "completed_at", "name"] as const) {
    if (typeof b[key] === "string") (run as unknown as Json)[key] = b[key];
  }
  if (b.output) applyOutput(run, b.output as Json);
  return { status: 200, body: checkRunJson(ctx, run, 200) };
}

/** GitHub: a completed check run needs a conclusion (the description says so for updates only). */
function completionRule(body: Json): Reply | undefined {
  if (body.status !== "completed" && body.completed_at === undefined) return undefined;
  if (body.conclusion !== undefined) return undefined;
  return error(422, "Validation Failed", {
    errors: [{ resource: "CheckRun", code: "missing_field", field: "conclusion" }],
  });
}

function applyOutput(run: StoredCheckRun, output: Json): void {
  for (const key of ["title", "summary", "text"] as const) {
    if (typeof output[key] === "string") run.output[key] = output[key];
  }
  const annotations = (output.annotations as Json[] | undefined) ?? [];
  if (annotations.length > 0) run.annotationBatches.push(annotations.length);
  run.annotations.push(...annotations);
}

function listCheckRuns(ctx: Context): Reply {
  const ref = ctx.matched.pathParams.ref as string;
  const name = ctx.query.get("check_name");
  let runs = ctx.state.checkRuns.filter(
    (c) => c.repo === ctx.repo && c.head_sha === ref && (name === null || c.name === name),
  );
  if ((ctx.query.get("filter") ?? "latest") === "latest") {
    runs = runs.filter((c) => c === runs.filter((o) => o.name === c.name).at(-1));
  }
  const ordered = [...runs].reverse();
  const body = {
    total_count: ordered.length,
    check_runs: ordered.map((r) => checkRunJson(ctx, r, 200, "checks/update")),
  };
  return { status: 200, body };
}

function checkRunJson(ctx: Context, run: StoredCheckRun, status: number, exampleOf?: string): Json {
  const operation = exampleOf
    ? ctx.openapi.operations.find((o) => o.operationId === exampleOf)
    : ctx.matched.operation;
  const example = ctx.openapi.example(operation ?? ctx.matched.operation, status);
  const url = `https://api.github.com/repos/${ctx.repo}/check-runs/${run.id}`;
  return {
    ...example,
    id: run.id,
    node_id: `CR_${run.id}`,
    head_sha: run.head_sha,
    name: run.name,
    url,
    html_url: `https://github.com/${ctx.repo}/runs/${run.id}`,
    details_url: run.details_url,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    external_id: run.external_id,
    output: {
      ...run.output,
      annotations_count: run.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    pull_requests: [],
  };
}
