// The console as an expect script reads it: output since the previous match, prompts included
// (a prompt has no newline, so whole-line waits would never see it), terminal control sequences
// left out, each wait with a deadline.
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

/** Keeps at most this much unmatched output; older text cannot be matched any more. */
const KEEP_CHARS = 64 * 1024;

/** Why an expect gave up: its deadline passed, or the console ended. */
export class ExpectMissed extends Error {}

/** Reads one console stream from the moment it is made. */
export class ConsoleCursor {
  #text = "";
  #waiter: (() => void) | undefined;
  #ended = false;

  constructor(stream: Readable) {
    const decoder = new StringDecoder("utf8");
    stream.on("data", (chunk: Buffer | string) => {
      const text = typeof chunk === "string" ? chunk : decoder.write(chunk);
      this.#text = withoutControls(this.#text + text).slice(-KEEP_CHARS);
      this.#waiter?.();
    });
    stream.once("close", () => {
      this.#ended = true;
      this.#waiter?.();
    });
  }

  /** Resolves with the match once the output since the previous match matches `pattern`. */
  expect(pattern: RegExp, timeoutMs: number, signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiter = undefined;
        signal.removeEventListener("abort", onAbort);
      };
      const check = () => {
        const match = pattern.exec(this.#text);
        if (match) {
          done();
          this.#text = this.#text.slice(match.index + match[0].length);
          resolve(match[0]);
        } else if (this.#ended) {
          done();
          reject(new ExpectMissed("the console ended"));
        }
      };
      const onAbort = () => {
        done();
        const reason: unknown = signal.reason;
        reject(reason instanceof Error ? reason : new Error(String(reason)));
      };
      const timer = setTimeout(() => {
        done();
        reject(new ExpectMissed(`not seen within ${formatS(timeoutMs)}`));
      }, timeoutMs);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiter = check;
      check();
    });
  }
}

// Terminal control sequences (a shell's cursor-position query after its prompt, colours) and
// carriage returns are not what a pattern is written against; one cut short stays until complete.
function withoutControls(text: string): string {
  /* eslint-disable no-control-regex -- ESC and BEL start and end the sequences removed here */
  return text
    .replace(/\r/g, "")
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, "")
    .replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, "");
  /* eslint-enable no-control-regex */
}

/** Milliseconds as "30s" or "1.5s". */
export function formatS(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}
