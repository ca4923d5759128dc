// The runner's image cache: files go to <dir>/blobs/<sha256>, uploaded only when not already
// there, streamed through `cat` (no SFTP needed), checked with sha256sum and renamed into place,
// so a half-sent file is never used and two uploads of one file cannot clash.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { HarnessError } from "../../harness/errors.ts";
import { shellQuote } from "../../harness/util/shell-quote.ts";
import { howItEnded, type RunnerConnection } from "./connection.ts";
import { shCommand } from "./wrapper.ts";

/** Hashes already computed, by path, size and mtime: a run boots the same kernel many times. */
const hashes = new Map<string, { key: string; sha: Promise<string> }>();

const UPLOAD_TIMEOUT_MS = 10 * 60_000;

/** The sha256 of a local file, computed once per version of the file. */
export async function fileSha256(path: string): Promise<string> {
  const info = await stat(path);
  const key = `${info.size}:${info.mtimeMs}`;
  const known = hashes.get(path);
  if (known?.key === key) return known.sha;
  const sha = new Promise<string>((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
  hashes.set(path, { key, sha });
  sha.catch(() => hashes.delete(path));
  return sha;
}

/** Where a runner keeps its blobs, and which it is known to have (or is receiving) this run. */
export interface BlobStore {
  /** Absolute remote folder of the blobs. */
  dir: string;
  known: Map<string, Promise<void>>;
}

/** Puts `file` into the runner's cache unless it is there; returns its remote path. */
export async function ensureBlob(
  connection: RunnerConnection,
  store: BlobStore,
  file: string,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<string> {
  const sha = await fileSha256(file);
  const remote = `${store.dir}/${sha}`;
  const known = store.known.get(sha);
  if (known) {
    // Another cell's check or upload; if that cell was cancelled midway, this one does its own.
    const ok = await known.then(
      () => true,
      () => false,
    );
    signal.throwIfAborted();
    if (ok) {
      log(
        `${file}: already on ${connection.name} as ${sha.slice(0, 12)}, not sent (seen this run)`,
      );
      return remote;
    }
  }
  const arriving = sendUnlessPresent(connection, remote, file, sha, signal, log);
  store.known.set(sha, arriving);
  arriving.catch(() => store.known.delete(sha));
  await arriving;
  return remote;
}

async function sendUnlessPresent(
  connection: RunnerConnection,
  remote: string,
  file: string,
  sha: string,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<void> {
  // touch keeps a blob in use from being pruned as old.
  const check = await connection.run(
    shCommand(`test -f ${shellQuote(remote)} && touch ${shellQuote(remote)}`),
    { what: "the image cache check", signal },
  );
  if (check.code === 0) {
    log(`${file}: already on ${connection.name} as ${sha.slice(0, 12)}, not sent`);
    return;
  }
  const startedMs = performance.now();
  const sent = await connection.run(shCommand(uploadScript(remote, sha)), {
    what: `the upload of ${file}`,
    signal,
    timeoutMs: UPLOAD_TIMEOUT_MS,
    input: createReadStream(file),
  });
  if (sent.code !== 0) {
    throw new HarnessError(
      "EREMOTEUPLOAD",
      `sending ${file} to ${connection.name} failed (${howItEnded(sent)}): ${sent.stderr.trim() || "no message"}`,
      { hint: "check the runner's free disk space in its work folder (dir: in harness.yml)" },
    );
  }
  const { size } = await stat(file);
  const seconds = (performance.now() - startedMs) / 1000;
  log(
    `${file}: sent to ${connection.name} as ${sha.slice(0, 12)} (${size} bytes in ${seconds.toFixed(1)} s)`,
  );
}

function uploadScript(remote: string, sha: string): string {
  const part = `${remote}.part.$$`;
  return [
    "set -e",
    `t=${shellQuote(remote)}.part.$$`,
    `trap 'rm -f "$t"' EXIT`,
    'cat >"$t"',
    `echo "${sha}  $t" | sha256sum -c --status || { echo "checksum mismatch for ${part}" >&2; exit 1; }`,
    `mv -f "$t" ${shellQuote(remote)}`,
  ].join("\n");
}
