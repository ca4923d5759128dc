// The process's own output through the one redaction step: everything written to stdout or stderr
// (progress, the --json stream, errors, reproduction commands) is masked where it leaves, so no
// formatter can forget to.
import { Writable } from "node:stream";
import { redactBytes, type Redact } from "./redact.ts";

/** What the views read from a terminal besides writing to it. */
type Terminal = Pick<NodeJS.WriteStream, "write" | "isTTY" | "columns">;

/** A stdout or stderr whose writes are masked, passed on at once, and that still says whether it is a terminal. */
export class RedactedOutput extends Writable {
  readonly #target: Terminal;
  readonly #redact: Redact;

  constructor(target: Terminal, redact: Redact) {
    super({ decodeStrings: false });
    this.#target = target;
    this.#redact = redact;
  }

  /** True when the stream behind is a terminal. */
  get isTTY(): boolean {
    return this.#target.isTTY === true;
  }

  /** The terminal's width, when the stream behind is one. */
  get columns(): number | undefined {
    return this.#target.isTTY === true ? this.#target.columns : undefined;
  }

  // Views write whole lines, so each write holds whole secrets. The write is finished before this
  // returns: nothing waits in a buffer that an exit could drop, and output keeps its order.
  override _write(
    chunk: Buffer | string,
    encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    if (typeof chunk === "string") this.#target.write(this.#redact(chunk), encoding);
    else this.#target.write(redactBytes(chunk, this.#redact));
    done();
  }
}
