// A step's output on its way out: whole lines prefixed for ssh.log, and a bounded tail of stdout.
import { StringDecoder } from "node:string_decoder";

/** How much of a step's standard output is kept for its result (TAP parsing reads it). */
export const STDOUT_KEEP_BYTES = 1024 * 1024;

/** Cuts a byte stream into lines and hands each on with a prefix, so interleaved steps stay readable. */
export class PrefixedLines {
  readonly #prefix: string;
  readonly #sink: (text: string) => void;
  readonly #decoder = new StringDecoder("utf8");
  #partial = "";

  constructor(prefix: string, sink: (text: string) => void) {
    this.#prefix = prefix;
    this.#sink = sink;
  }

  /** Passes on every line this chunk completes; the unfinished rest waits for the next chunk. */
  write(chunk: Buffer): void {
    const lines = (this.#partial + this.#decoder.write(chunk)).split("\n");
    this.#partial = lines.pop() ?? "";
    if (lines.length > 0) this.#sink(lines.map((line) => this.#line(line)).join(""));
  }

  /** Passes on a last line that had no newline. */
  end(): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = "";
    if (rest !== "") this.#sink(this.#line(rest));
  }

  #line(line: string): string {
    return `${this.#prefix}${line.replace(/\r$/, "")}\n`;
  }
}

/** The last `limit` bytes written, and how many were dropped before them. */
export class TailBuffer {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #dropped = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Appends a chunk, dropping whole old chunks (or the front of one) past the limit. */
  write(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    while (this.#bytes > this.#limit) {
      const first = this.#chunks[0] as Buffer;
      const excess = this.#bytes - this.#limit;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#bytes -= first.length;
        this.#dropped += first.length;
      } else {
        this.#chunks[0] = first.subarray(excess);
        this.#bytes -= excess;
        this.#dropped += excess;
      }
    }
  }

  /** Bytes dropped from the front so far. */
  get droppedBytes(): number {
    return this.#dropped;
  }

  /** The kept bytes as UTF-8 text. */
  text(): string {
    return Buffer.concat(this.#chunks).toString("utf8");
  }
}
