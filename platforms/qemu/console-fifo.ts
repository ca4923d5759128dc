// qemu's console (its stdout) through a named pipe rather than the socket pair Node gives a
// child. qemu's UART writes a byte at a time; a socket charges each write ~1 KB of its send
// buffer, so unless the harness reads after every byte or two, the buffer fills within a few
// hundred bytes and the guest's kernel stalls on its console. A pipe packs those bytes into its
// 64 KiB, so the harness can read in batches (see batched-reads.ts) without slowing the guest.
import { execa } from "execa";
import { once } from "node:events";
import { closeSync, constants, openSync } from "node:fs";
import { Socket } from "node:net";
import { join } from "node:path";
import { batchReads } from "../../harness/util/batched-reads.ts";

/** The console is read at most this often: its lines are stamped at most this late. */
const BATCH_MS = 10;

/** The read end as a stream, and the write end's descriptor to hand to qemu as its stdout. */
export interface ConsoleFifo {
  stream: Socket;
  writeFd: number;
  /** Closes the harness's copy of the write end: qemu's exit then ends the stream. */
  closeWriteEnd(): void;
  /** After qemu exited: lets a reader take what is left (or drops it if none reads), then closes. */
  close(deadlineMs: number): Promise<void>;
  /** When qemu never started: closes both ends at once. */
  discard(): void;
}

/** Makes `console.fifo` in `dir` and opens both ends (the read end first, so neither blocks). */
export async function openConsoleFifo(dir: string): Promise<ConsoleFifo> {
  const path = join(dir, "console.fifo");
  await execa("mkfifo", ["-m", "600", path], { timeout: 10_000 });
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  let writeFd: number;
  try {
    writeFd = openSync(path, constants.O_WRONLY);
  } catch (error) {
    closeSync(readFd);
    throw error;
  }
  let open = true;
  const closeWriteEnd = () => {
    if (open) closeSync(writeFd);
    open = false;
  };
  const stream = new Socket({ fd: readFd, readable: true, writable: false });
  const batcher = batchReads(stream, BATCH_MS);
  return {
    stream,
    writeFd,
    closeWriteEnd,
    discard() {
      closeWriteEnd();
      batcher.stop();
      stream.destroy();
    },
    async close(deadlineMs) {
      batcher.stop();
      if (stream.destroyed) return;
      if (stream.readableFlowing !== true) stream.resume();
      const deadline = AbortSignal.timeout(deadlineMs);
      await once(stream, "close", { signal: deadline }).catch(() => undefined);
      stream.destroy();
    },
  };
}
