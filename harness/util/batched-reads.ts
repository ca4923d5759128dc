// Batches a child process's output pipe: after each read, the pipe is left alone for a few ms so
// the next read takes everything written meanwhile. An emulated UART writes a byte or two at a
// time; read as it comes, a boot costs tens of thousands of reads and wake-ups, each competing
// with the guests for the CPU. Node's pause() cannot do this: it stops the 'data' events, not
// the reads behind them.
import type { Readable } from "node:stream";

interface PipeHandle {
  reading?: boolean;
  readStop(): number;
  readStart(): number;
}

/** A running batcher; stop() makes the stream read as it comes again. */
export interface ReadBatcher {
  stop(): void;
}

/** Reads `stream` at most every `intervalMs`; streams without a pipe handle are left as they are. */
export function batchReads(stream: Readable, intervalMs: number): ReadBatcher {
  const handle = pipeHandle(stream);
  if (!handle) return { stop: () => undefined };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // Node stops and restarts reading itself for backpressure; `reading` says which it wants now.
  const restart = () => {
    timer = undefined;
    if (!stream.destroyed && handle.reading) handle.readStart();
  };
  const onData = () => {
    if (stopped || timer || !handle.reading) return;
    handle.readStop();
    timer = setTimeout(restart, intervalMs);
  };
  // Listening for data would start the flow before the stream's reader is there, so the batcher
  // joins once the reader has started it.
  const join = () => void (stopped || stream.on("data", onData));
  if (stream.readableFlowing === true) join();
  else stream.once("resume", join);
  return {
    stop() {
      stopped = true;
      stream.off("resume", join);
      stream.off("data", onData);
      if (timer) {
        clearTimeout(timer);
        restart();
      }
    },
  };
}

function pipeHandle(stream: Readable): PipeHandle | undefined {
  const handle = (stream as { _handle?: Partial<PipeHandle> })._handle;
  return typeof handle?.readStop === "function" && typeof handle.readStart === "function"
    ? (handle as PipeHandle)
    : undefined;
}
