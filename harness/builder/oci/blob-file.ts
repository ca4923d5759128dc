// Blob files written whole or not at all: hashed while written to a temporary sibling, synced, renamed.
import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { HarnessError, inputError } from "../../errors.ts";

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Throws EDIGEST unless `digest` is `sha256:` and 64 lowercase hex digits (also keeps paths inside the store). */
export function assertDigest(digest: string): void {
  if (!DIGEST.test(digest)) {
    throw inputError("EDIGEST", `"${digest}" is not a sha256 digest`, {
      hint: "Digests look like sha256: followed by 64 lowercase hex digits.",
    });
  }
}

/** The `sha256:` digest of some bytes. */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** What a written blob turned out to be. */
export interface WrittenBlob {
  digest: string;
  size: number;
}

/** What a blob must be; a blob that differs is refused and nothing is stored. */
export interface ExpectedBlob {
  digest: string;
  size?: number;
  /** Where the bytes came from, for the error message. */
  source: string;
}

/**
 * Streams `chunks` into `blobsDir/<hex>` through a temporary file; with `expected`, a mismatch
 * throws EDIGESTMISMATCH and leaves nothing behind.
 */
export async function writeBlob(
  blobsDir: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  expected?: ExpectedBlob,
): Promise<WrittenBlob> {
  await mkdir(blobsDir, { recursive: true });
  const temporary = join(blobsDir, `.tmp-${randomUUID()}`);
  try {
    const written = await writeHashed(temporary, chunks);
    if (expected) checkExpected(written, expected);
    await rename(temporary, join(blobsDir, written.digest.slice("sha256:".length)));
    return written;
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Replaces the file at `path` atomically and durably; concurrent writers never share a temporary file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${randomUUID()}`;
  try {
    await writeHashed(temporary, [typeof data === "string" ? Buffer.from(data) : data]);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

async function writeHashed(
  path: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<WrittenBlob> {
  const hash = createHash("sha256");
  let size = 0;
  const handle = await open(path, "wx");
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.byteLength;
      await handle.write(chunk);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { digest: `sha256:${hash.digest("hex")}`, size };
}

function checkExpected(written: WrittenBlob, expected: ExpectedBlob): void {
  const sizeWrong = expected.size !== undefined && expected.size !== written.size;
  if (written.digest === expected.digest && !sizeWrong) return;
  throw new HarnessError(
    "EDIGESTMISMATCH",
    `blob from ${expected.source} should be ${expected.digest}` +
      `${expected.size === undefined ? "" : ` (${expected.size} bytes)`} but is ` +
      `${written.digest} (${written.size} bytes); it was not stored`,
    { hint: "The source sent other bytes than it promised; try again, or check the registry." },
  );
}
