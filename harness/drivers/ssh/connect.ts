// Waits for a guest's SSH server: one short attempt after another, backing off, until a deadline.
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { HarnessError } from "../../errors.ts";
import { connectOnce } from "../../ssh/connect.ts";
import { ConnectedSsh } from "./session.ts";
import type { SshEndpoint } from "./types.ts";

/** How waitForSsh paces itself. */
export interface WaitForSshOptions {
  signal: AbortSignal;
  /** Total time to keep trying, from the call. */
  deadlineMs: number;
  log: (line: string) => void;
  /** The handshake budget of one attempt (default 5 s, never past the deadline). */
  attemptTimeoutMs?: number;
}

// node-ssh (ssh2 under it) takes ~60 ms to load, paid by every `harness run` that imported it
// up front although most runs never open an SSH connection.

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2000;
const ATTEMPT_TIMEOUT_MS = 5000;

/** Connects to `endpoint`, retrying with exponential backoff; throws ESSHTIMEOUT when the deadline passes. */
export async function waitForSsh(
  endpoint: SshEndpoint,
  options: WaitForSshOptions,
): Promise<ConnectedSsh> {
  const { signal, log } = options;
  signal.throwIfAborted();
  const privateKey = await readPrivateKey(endpoint.privateKeyPath);
  const deadline = Date.now() + options.deadlineMs;
  const where = `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
  let attempts = 0;
  let delayMs = FIRST_DELAY_MS;
  let lastError: unknown;
  do {
    attempts++;
    const budgetMs = Math.min(
      options.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS,
      deadline - Date.now(),
    );
    try {
      const ssh = await connectOnce(endpoint, privateKey, Math.max(budgetMs, 1), signal);
      log(`ssh: connected to ${where} after ${attempts} attempt(s)`);
      return new ConnectedSsh(ssh, where, log);
    } catch (error) {
      signal.throwIfAborted();
      lastError = error;
      log(`ssh: attempt ${attempts} to ${where} failed: ${errorText(error)}`);
    }
    const waitMs = Math.min(delayMs, deadline - Date.now());
    if (waitMs > 0) await pause(waitMs, signal);
    delayMs = Math.min(delayMs * 2, MAX_DELAY_MS);
  } while (Date.now() < deadline);
  throw new HarnessError(
    "ESSHTIMEOUT",
    `no SSH connection to ${where} within ${options.deadlineMs} ms (${attempts} attempts; last: ${errorText(lastError)})`,
    {
      cause: lastError,
      hint: "check the guest runs an SSH server, has network (console.log), and the port is forwarded",
    },
  );
}

// A backoff pause that an abort ends with the abort's own reason, as everything else here does.
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    signal.throwIfAborted();
    throw error;
  }
}

async function readPrivateKey(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    throw new HarnessError("ESSHKEY", `cannot read the SSH private key ${path}`, {
      cause,
      hint: "create it with generateRunKeyPair() before booting the guest",
    });
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
