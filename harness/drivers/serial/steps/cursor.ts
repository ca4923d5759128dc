// The console as an expect script reads it: output since the previous match, prompts included
// (a prompt has no newline, so whole-line waits would never see it), terminal control sequences
// left out, each wait with a deadline. The kernel writes its log records onto the same console
// whenever it likes, even in the middle of a prompt; a pattern that does not match the output as
// printed is tried again on the output without those records.
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
        const match = matchAround(pattern, this.#text);
        if (match) {
          done();
          this.#text = this.#text.slice(match.end);
          resolve(match.text);
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

/** Kernel log records as the console prints them: a timestamp, the message, the newline. */
const KERNEL_RECORD = /\[ *\d+\.\d+\] [^\n]*\n/g;

/** Where `pattern` matches `text` as printed or, failing that, `text` without kernel records. */
export function matchAround(
  pattern: RegExp,
  text: string,
): { text: string; end: number } | undefined {
  const printed = pattern.exec(text);
  if (printed) return { text: printed[0], end: printed.index + printed[0].length };
  const kept: { from: number; to: number; at: number }[] = [];
  let clean = "";
  let from = 0;
  for (const record of text.matchAll(KERNEL_RECORD)) {
    kept.push({ from, to: record.index, at: clean.length });
    clean += text.slice(from, record.index);
    from = record.index + record[0].length;
  }
  if (kept.length === 0) return undefined;
  kept.push({ from, to: text.length, at: clean.length });
  clean += text.slice(from);
  const match = pattern.exec(clean);
  if (!match) return undefined;
  const end = match.index + match[0].length;
  const piece = kept.find((k) => end <= k.at + (k.to - k.from)) ?? kept[kept.length - 1];
  return { text: match[0], end: piece ? piece.from + (end - piece.at) : text.length };
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
