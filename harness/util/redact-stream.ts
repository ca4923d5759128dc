// Log files written through the one redaction step: complete lines are masked before they reach
// the disk, so a secret split across two chunks is still caught.
import { createWriteStream, type WriteStream } from "node:fs";
import { Transform } from "node:stream";
import type { Redact } from "./redact.ts";

/** Longest partial line held back while waiting for its end. */
const MAX_PENDING = 64 * 1024;

/** A writable log file whose every line passes through `redact`. */
export function redactedLogFile(
  path: string,
  redact: Redact,
): Transform & { finished: Promise<void> } {
  let pending = "";
  const file: WriteStream = createWriteStream(path);
  const transform = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      const cut = pending.length > MAX_PENDING ? pending.length : pending.lastIndexOf("\n") + 1;
      const ready = pending.slice(0, cut);
      pending = pending.slice(cut);
      done(null, ready ? redact(ready) : undefined);
    },
    flush(done) {
      done(null, pending ? redact(pending) : undefined);
    },
  });
  transform.pipe(file);
  const finished = new Promise<void>((resolve, reject) => {
    file.once("close", () => resolve());
    file.once("error", reject);
  });
  return Object.assign(transform, { finished });
}
