// Logging in to a runner with the SSH driver's handshake: the runner's key (or the user's default
// ones), and the runner's host key checked against a pinned fingerprint when there is one.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { HarnessError } from "../../harness/errors.ts";
import { connectOnce } from "../../harness/ssh/connect.ts";
import { RunnerConnection } from "./connection.ts";
import { runnerName, type RunnerSpec } from "./spec.ts";

const CONNECT_TIMEOUT_MS = 15_000;
const DEFAULT_KEYS = ["id_ed25519", "id_ecdsa", "id_rsa"];

/** Connects to the runner with its key, checking its host key when one is pinned. */
export async function connectRunner(
  spec: RunnerSpec,
  signal: AbortSignal,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<RunnerConnection> {
  const name = runnerName(spec);
  const { key, path } = await privateKey(spec);
  let seen = "";
  const verify = (hostKey: Buffer) => {
    seen = fingerprint(hostKey);
    return spec.hostKey === undefined || seen === spec.hostKey;
  };
  try {
    const endpoint = { ...spec, privateKeyPath: path };
    const ssh = await connectOnce(endpoint, key, timeoutMs, signal, verify);
    if (!ssh.connection) throw new Error("the connection closed during the handshake");
    return new RunnerConnection(ssh.connection, name);
  } catch (cause) {
    signal.throwIfAborted();
    const pinned = spec.hostKey !== undefined && seen !== "" && seen !== spec.hostKey;
    throw new HarnessError(
      "ERUNNERCONNECT",
      pinned
        ? `runner ${name} presented host key ${seen}, not the pinned ${spec.hostKey}`
        : `cannot connect to runner ${name} with key ${path}: ${(cause as Error).message}`,
      {
        cause,
        hint: pinned
          ? "check the runner is the machine you meant, then update hostKey: in harness.yml"
          : `check that \`ssh -i ${path} -p ${spec.port} ${spec.user}@${spec.host} true\` works from here`,
      },
    );
  }
}

/** OpenSSH's fingerprint of a host key blob: "SHA256:" and unpadded base64. */
export function fingerprint(hostKey: Buffer): string {
  return `SHA256:${createHash("sha256").update(hostKey).digest("base64").replace(/=+$/, "")}`;
}

async function privateKey(spec: RunnerSpec): Promise<{ key: string; path: string }> {
  const candidates = spec.keyPath
    ? [spec.keyPath]
    : DEFAULT_KEYS.map((name) => join(homedir(), ".ssh", name));
  for (const path of candidates) {
    const key = await readFile(path, "utf8").catch(() => undefined);
    if (key !== undefined) return { key, path };
  }
  throw new HarnessError(
    "ERUNNERKEY",
    `no SSH key for runner ${runnerName(spec)}: cannot read ${candidates.join(", ")}`,
    { hint: "set key: for the runner in harness.yml, or pass --host-key FILE" },
  );
}
