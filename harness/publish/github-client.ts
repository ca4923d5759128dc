// The GitHub client: octokit with the retry and throttling plugins, api.github.com by default, the
// base URL (GitHub Enterprise) and fetch passed in; the token comes from the environment.
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import type { Redact } from "../util/redact.ts";

// Kept here too for the callers that already hold a client.
export { githubToken, parseRepoSlug, TOKEN_VARIABLES } from "./github-args.ts";

const GitHubOctokit = Octokit.plugin(retry, throttling);

/** An octokit with retries on server errors and waits on rate limits. */
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

/** The commit a run is reported on. */
export interface GitHubTarget {
  owner: string;
  repo: string;
  sha: string;
}

/** Rate-limit waits longer than this fail instead (a CI job should not sleep for an hour). */
const MAX_RATE_LIMIT_WAIT_S = 15 * 60;
const MAX_RATE_LIMIT_RETRIES = 3;

/** What the client is built from; baseUrl and fetch default to api.github.com and global fetch. */
export interface GitHubClientOptions {
  token: string;
  baseUrl?: string;
  fetch?: typeof fetch;
  redact: Redact;
  log: (line: string) => void;
  signal?: AbortSignal;
}

/** A client that retries 5xx answers and waits out primary and secondary rate limits. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const say = (line: string) => options.log(options.redact(line));
  const onLimit =
    (kind: string) =>
    (
      retryAfterS: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ) => {
      const retrying = retryCount < MAX_RATE_LIMIT_RETRIES && retryAfterS <= MAX_RATE_LIMIT_WAIT_S;
      say(
        `github: ${kind} rate limit on ${request.method} ${request.url}; ${retrying ? `retrying in ${retryAfterS}s` : "giving up"}`,
      );
      return retrying;
    };
  return new GitHubOctokit({
    auth: options.token,
    userAgent: "harness",
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl.replace(/\/+$/, "") }),
    request: {
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => say(`github: ${message}`),
      error: (message: string) => say(`github: ${message}`),
    },
    throttle: { onRateLimit: onLimit("primary"), onSecondaryRateLimit: onLimit("secondary") },
    retry: { retries: 3 },
  });
}
