// A serial port of an instance as a stream: getSerialPortOutput polled with start offsets, quick
// while bytes flow and slower while quiet, retried while the instance is not ready, and honest
// about bytes that fell out of Compute Engine's serial ring buffer before they were read.
import { PassThrough, type Readable } from "node:stream";
import { statusOf, type GcpApi } from "./api.ts";

/** How often to poll: right after output, and at most this slowly when the port is quiet. */
const FAST_MS = 200;
const SLOW_MS = 1000;
/** Answers that mean "not yet" (booting, not RUNNING yet, service briefly unavailable). */
const NOT_READY = new Set([400, 404, 429, 500, 502, 503, 504]);

/** A serial port being read, with its stream and its end. */
export interface SerialReader {
  stream: Readable;
  /** Bytes the ring buffer dropped before they were read. */
  readonly lostBytes: number;
  /** Reads what is left, then ends the stream. */
  stop(): Promise<void>;
}

/** Starts reading `port` of `instance`; `onNote` hears about lost bytes and persistent errors. */
export function readSerialPort(
  api: GcpApi,
  instance: string,
  port: number,
  onNote: (note: string) => void,
): SerialReader {
  const stream = new PassThrough();
  let offset = 0;
  let lost = 0;
  let stopped = false;
  let failures = 0;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const readOnce = async (): Promise<boolean> => {
    const chunk = await api.serialOutput(instance, port, offset);
    if (chunk.start > offset) {
      const dropped = chunk.start - offset;
      lost += dropped;
      onNote(
        `${dropped} bytes of serial port ${port} were lost: the instance's serial buffer wrapped before they were read`,
      );
    }
    if (chunk.contents) stream.write(chunk.contents);
    const moved = chunk.next > offset;
    offset = Math.max(offset, chunk.next);
    return moved;
  };

  const loop = (async () => {
    let delayMs = FAST_MS;
    while (!stopped) {
      try {
        delayMs = (await readOnce()) ? FAST_MS : Math.min(SLOW_MS, delayMs * 2);
        failures = 0;
      } catch (error) {
        const status = statusOf(error);
        if (status === undefined || !NOT_READY.has(status)) failures += 5;
        if (++failures === 30)
          onNote(`serial port ${port} keeps failing: ${String(error)}; still retrying`);
        delayMs = SLOW_MS;
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, delayMs);
      });
    }
  })();

  return {
    stream,
    get lostBytes() {
      return lost;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
      // The last words (a panic, the final results) are read before the stream ends.
      for (let i = 0; i < 3; i++) {
        const more = await readOnce().catch(() => false);
        if (!more) break;
      }
      stream.end();
    },
  };
}
