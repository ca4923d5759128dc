// One repository on one registry over the OCI distribution API: URLs, deadlines, auth retries, readable errors.
import { HarnessError } from "../../errors.ts";
import { basicAuthorization, parseChallenge, tokenFromAnswer, tokenUrl } from "./auth.ts";
import type { AuthChallenge, RegistryCredentials } from "./auth.ts";
import { startIdleDeadline } from "./idle-deadline.ts";
import type { IdleDeadline } from "./idle-deadline.ts";
import { DOCKER_HUB } from "./reference.ts";
import type { ImageReference } from "./reference.ts";

/** How to reach a registry; everything from outside (fetch, credentials, cancellation) is passed in. */
export interface RegistryOptions {
  signal?: AbortSignal;
  /** Longest wait for an answer, or between two chunks of one; 30 s by default. */
  timeoutMs?: number;
  /** Plain HTTP instead of HTTPS; by default only for loopback registries. */
  plainHttp?: boolean | ((registry: string) => boolean);
  credentials?: RegistryCredentials;
  fetch?: typeof fetch;
}

/** A whole answer from the registry. */
export interface RegistryAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** A request: headers, a body made fresh for each attempt (auth may retry), and the statuses that are no error. */
export interface RegistryRequest {
  headers?: Record<string, string>;
  /** Makes the body; a streamed body calls `progress` per chunk so a long upload is not a stall. */
  body?: (progress: () => void) => NonNullable<RequestInit["body"]>;
  okStatuses?: readonly number[];
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** A client for one repository of one registry. */
export class RegistrySession {
  /** `http(s)://host[:port]`, as requests go out. */
  readonly baseUrl: string;
  readonly repository: string;
  readonly #options: RegistryOptions;
  readonly #fetch: typeof fetch;
  #authorization: string | undefined;
  readonly #triedTokens = new Set<string>();

  constructor(ref: ImageReference, options: RegistryOptions) {
    this.baseUrl = registryBaseUrl(ref.registry, options.plainHttp);
    this.repository = ref.repository;
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /** The URL of `path` under this repository (`manifests/…`, `blobs/…`). */
  url(path: string): string {
    return `${this.baseUrl}/v2/${this.repository}/${path}`;
  }

  /** Sends a request and reads the whole answer; statuses outside `okStatuses` (default 2xx) are EREGISTRY. */
  async send(method: string, url: string, request: RegistryRequest = {}): Promise<RegistryAnswer> {
    using deadline = startIdleDeadline(this.#options.signal, this.#timeoutMs());
    try {
      const response = await this.#open(method, url, request, deadline);
      const body = Buffer.from(await response.arrayBuffer());
      const answer = { status: response.status, headers: response.headers, body };
      const ok = request.okStatuses?.includes(answer.status) ?? response.ok;
      if (!ok) throw this.statusError(method, url, answer);
      return answer;
    } catch (error) {
      throw this.#failure(error, method, url, deadline);
    }
  }

  /** GETs `url` and hands its body to `consume` as chunks; the deadline restarts with every chunk. */
  async stream<T>(
    url: string,
    consume: (chunks: AsyncIterable<Uint8Array>) => Promise<T>,
  ): Promise<T> {
    using deadline = startIdleDeadline(this.#options.signal, this.#timeoutMs());
    try {
      const response = await this.#open("GET", url, {}, deadline);
      if (!response.ok || !response.body) {
        const body = Buffer.from(await response.arrayBuffer());
        throw this.statusError("GET", url, {
          status: response.status,
          headers: response.headers,
          body,
        });
      }
      return await consume(touching(response.body, deadline));
    } catch (error) {
      throw this.#failure(error, "GET", url, deadline);
    }
  }

  /** EREGISTRY for an answer that is not what the protocol expects, with the registry's own error text. */
  statusError(method: string, url: string, answer: RegistryAnswer): HarnessError {
    return new HarnessError(
      "EREGISTRY",
      `registry ${this.baseUrl} answered ${method} ${url} with ${answer.status}${errorText(answer.body)}`,
      { hint: "Check the registry's log; try again if it was overloaded or restarting." },
    );
  }

  #timeoutMs(): number {
    return this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  // Sends, and on 401 answers the challenge (basic, or a bearer token for the asked scope) and sends again.
  async #open(method: string, url: string, request: RegistryRequest, deadline: IdleDeadline) {
    let challenge: AuthChallenge | undefined;
    // A few rounds cover basic auth and a pull token upgraded to push; more means the registry keeps refusing.
    for (let round = 0; round < 4; round++) {
      const headers: Record<string, string> = { ...request.headers };
      if (this.#authorization) headers.authorization = this.#authorization;
      const body = request.body?.(() => deadline.touch());
      const response = await this.#fetch(url, {
        method,
        headers,
        signal: deadline.signal,
        ...(body === undefined ? {} : { body, duplex: "half" as const }),
      });
      deadline.touch();
      if (response.status !== 401) return response;
      await response.body?.cancel();
      challenge = parseChallenge(response.headers.get("www-authenticate"));
      if (!(await this.#answerChallenge(challenge, method, deadline))) break;
    }
    throw this.#authError(method, url, challenge);
  }

  async #answerChallenge(
    challenge: AuthChallenge | undefined,
    method: string,
    deadline: IdleDeadline,
  ): Promise<boolean> {
    const credentials = this.#options.credentials;
    if (challenge?.scheme === "basic") {
      if (!credentials || this.#authorization?.startsWith("Basic ")) return false;
      this.#authorization = basicAuthorization(credentials);
      return true;
    }
    if (challenge?.scheme !== "bearer" || !challenge.realm) return false;
    const actions = method === "GET" || method === "HEAD" ? "pull" : "pull,push";
    const url = tokenUrl(challenge, `repository:${this.repository}:${actions}`);
    if (this.#triedTokens.has(url.href)) return false;
    this.#triedTokens.add(url.href);
    this.#authorization = `Bearer ${await this.#fetchToken(url, deadline)}`;
    return true;
  }

  async #fetchToken(url: URL, deadline: IdleDeadline): Promise<string> {
    const credentials = this.#options.credentials;
    const headers: Record<string, string> = credentials
      ? { authorization: basicAuthorization(credentials) }
      : {};
    const response = await this.#fetch(url, { headers, signal: deadline.signal });
    const body = Buffer.from(await response.arrayBuffer());
    deadline.touch();
    const realm = `${url.origin}${url.pathname}`;
    if (response.status === 401 || response.status === 403) {
      throw new HarnessError(
        "EREGISTRYAUTH",
        `token server ${realm} refused ${describeLogin(credentials)} with ${response.status}`,
        {
          hint: "Check the registry credentials, and that the account may use this repository.",
        },
      );
    }
    if (!response.ok) {
      throw new HarnessError(
        "EREGISTRY",
        `token server ${realm} answered ${response.status}${errorText(body)}`,
      );
    }
    const token = tokenFromAnswer(parseJson(body));
    if (token === undefined) {
      throw new HarnessError("EREGISTRYAUTH", `token server ${realm} answered without a token`);
    }
    return token;
  }

  #authError(method: string, url: string, challenge: AuthChallenge | undefined): HarnessError {
    const why = challenge?.error ? ` (${challenge.error})` : "";
    const hint = this.#options.credentials
      ? `Check that ${this.#options.credentials.username} may ${method === "GET" || method === "HEAD" ? "pull" : "push"} ${this.repository}.`
      : "Pass registry credentials; the repository may be private, or may not exist.";
    return new HarnessError(
      "EREGISTRYAUTH",
      `registry ${this.baseUrl} refused ${describeLogin(this.#options.credentials)} access to ${method} ${url}${why}`,
      { hint },
    );
  }

  #failure(error: unknown, method: string, url: string, deadline: IdleDeadline): unknown {
    if (error instanceof HarnessError) return error;
    const parent = this.#options.signal;
    if (parent?.aborted && !deadline.expired) return parent.reason;
    const what = deadline.expired
      ? `did not answer ${method} ${url} within ${this.#timeoutMs() / 1000}s`
      : `could not be reached for ${method} ${url}: ${causeChain(error)}`;
    return new HarnessError("EREGISTRY", `registry ${this.baseUrl} ${what}`, {
      hint: "Check that the registry runs and this machine can reach it, or use images already in the local store.",
      cause: error,
    });
  }
}

/** `http(s)://host` for a registry name; loopback registries speak plain HTTP unless told otherwise. */
export function registryBaseUrl(registry: string, plainHttp: RegistryOptions["plainHttp"]): string {
  const host = registry === DOCKER_HUB ? "registry-1.docker.io" : registry;
  const plain =
    typeof plainHttp === "function" ? plainHttp(registry) : (plainHttp ?? isLoopback(registry));
  return `${plain ? "http" : "https"}://${host}`;
}

function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, "");
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function* touching(body: ReadableStream<Uint8Array>, deadline: IdleDeadline) {
  for await (const chunk of body) {
    deadline.touch();
    yield chunk;
  }
}

function describeLogin(credentials: RegistryCredentials | undefined): string {
  return credentials ? `the login of ${credentials.username}` : "anonymous";
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

// The distribution API's `{"errors":[{"code","message"}]}`, else the start of the body.
function errorText(body: Buffer): string {
  const parsed = parseJson(body) as { errors?: { code?: string; message?: string }[] } | undefined;
  const errors = Array.isArray(parsed?.errors) ? parsed.errors : [];
  const text = errors.length
    ? errors.map((e) => `${e.code ?? "?"}: ${e.message ?? ""}`).join("; ")
    : body.toString("utf8", 0, 200).trim();
  return text ? ` (${text})` : "";
}

function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) {
    parts.push(current.message);
  }
  return parts.join(": ") || String(error);
}
