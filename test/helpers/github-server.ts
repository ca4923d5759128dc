// A stand-in for api.github.com on loopback, for the one service the tests cannot reach. Every
// request is checked against GitHub's published OpenAPI description and GitHub's rules the
// description leaves out (140-character status descriptions, check runs need an App token); the
// answers are the documented examples filled with the stored state, themselves checked against the
// documented responses; rate-limit answers look like GitHub's. It keeps statuses, check runs and
// issues.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { loadGitHubOpenApi } from "./github-openapi.ts";
import {
  HANDLERS,
  error,
  type Reply,
  type State,
  type StoredCheckRun,
  type StoredIssue,
  type StoredStatus,
} from "./github-handlers.ts";
import { storeIssue } from "./github-issues.ts";

export type { StoredCheckRun, StoredIssue, StoredStatus } from "./github-handlers.ts";

type Json = Record<string, unknown>;

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  body: string;
  operationId?: string;
  status: number;
}

/** A running fake; `stop()` (or `await using`) closes it. */
export interface FakeGitHub extends AsyncDisposable {
  url: string;
  requests: RecordedRequest[];
  /** Requests or answers that broke the description or GitHub's rules; a test expects none. */
  violations: string[];
  statuses: StoredStatus[];
  checkRuns: StoredCheckRun[];
  issues: StoredIssue[];
  /** An issue someone opened before (numbered in order per repository). */
  addIssue(
    issue: Pick<StoredIssue, "repo" | "title" | "body" | "labels"> & Partial<StoredIssue>,
  ): StoredIssue;
  /** The next request (with `method`, if given) gets a rate-limit answer instead of an answer. */
  rateLimitNext(kind: "primary" | "secondary", method?: string): void;
  stop(): Promise<void>;
}

const DOCS = "https://docs.github.com/rest";

/** Starts the fake on 127.0.0.1; only `tokens` authenticate (ghs_… ones count as App tokens). */
export async function startFakeGitHub(options: { tokens: readonly string[] }): Promise<FakeGitHub> {
  const openapi = await loadGitHubOpenApi();
  const state: State = { statuses: [], checkRuns: [], issues: [], nextId: 1000 };
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const limits: { kind: "primary" | "secondary"; method?: string }[] = [];
  let remaining = 5000;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      violations.push(`fake crashed: ${String(error)}`);
      res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.search,
      body: raw,
      status: 0,
    };
    requests.push(record);
    const reply = route(req, method, url, raw, record);
    remaining = Math.max(0, remaining - 1);
    record.status = reply.status;
    res.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": `FAKE:${requests.length}`,
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": String(remaining),
      "x-ratelimit-used": String(5000 - remaining),
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-resource": "core",
      ...reply.headers,
    });
    res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
  }

  function route(
    req: IncomingMessage,
    method: string,
    url: URL,
    raw: string,
    record: RecordedRequest,
  ): Reply {
    if (!req.headers["user-agent"]) {
      violations.push(`${method} ${url.pathname}: no User-Agent`);
      return error(
        403,
        "Request forbidden by administrative rules. Please make sure your request has a User-Agent header",
      );
    }
    const at = limits.findIndex((l) => l.method === undefined || l.method === method);
    if (at >= 0) return rateLimited(limits.splice(at, 1)[0]?.kind ?? "primary");
    const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (!token) return error(401, "Requires authentication");
    if (!options.tokens.includes(token)) return error(401, "Bad credentials");
    const matched = openapi.match(method, url.pathname);
    if (!matched) {
      violations.push(`${method} ${url.pathname}: no such operation in GitHub's description`);
      return error(404, "Not Found");
    }
    record.operationId = matched.operation.operationId;
    let body: Json = {};
    if (raw !== "") {
      try {
        body = JSON.parse(raw) as Json;
      } catch {
        violations.push(`${method} ${url.pathname}: body is not JSON`);
        return error(400, "Problems parsing JSON");
      }
    }
    const problems = openapi.checkRequest(matched, url.searchParams, body, raw !== "");
    if (problems.length > 0) {
      violations.push(...problems.map((p) => `${matched.operation.operationId}: ${p}`));
      return error(422, `Invalid request.\n\n${problems.join("\n")}`);
    }
    const handler = HANDLERS[matched.operation.operationId];
    if (!handler) {
      violations.push(`${matched.operation.operationId}: not implemented by the fake`);
      return error(404, "Not Found");
    }
    const { owner, repo } = matched.pathParams;
    const reply = handler({
      matched,
      repo: `${owner}/${repo}`,
      body,
      query: url.searchParams,
      token,
      state,
      openapi,
    });
    if (reply.status < 300) {
      const wrong = openapi.checkResponse(matched.operation, reply.status, reply.body);
      violations.push(...wrong.map((p) => `fake answer to ${matched.operation.operationId}: ${p}`));
    } else if (reply.status === 422) {
      violations.push(`${matched.operation.operationId}: ${JSON.stringify(reply.body)}`);
    }
    return reply;
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const stop = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    requests,
    violations,
    statuses: state.statuses,
    checkRuns: state.checkRuns,
    issues: state.issues,
    addIssue: (issue) => storeIssue(state, issue),
    rateLimitNext: (kind, method) => limits.push({ kind, ...(method ? { method } : {}) }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** GitHub's answers past a limit: primary (remaining 0, reset time) and secondary (retry-after). */
function rateLimited(kind: "primary" | "secondary"): Reply {
  const reset = Math.floor(Date.now() / 1000) + 1;
  if (kind === "primary") {
    return {
      ...error(403, "API rate limit exceeded for installation ID 1.", {
        documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
      }),
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
    };
  }
  return {
    ...error(
      403,
      "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID FAKE.",
      {
        documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
      },
    ),
    headers: { "retry-after": "1" },
  };
}
