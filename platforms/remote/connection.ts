// One open SSH connection to a runner: commands run on it to their end under a deadline, or as
// channels the caller streams. Each cell gets its own, so a dropped one hurts one cell.
import type { Readable } from "node:stream";
import { HarnessError } from "../../harness/errors.ts";
import { openExec, type SshChannel, type SshClient } from "../../harness/ssh/exec.ts";

/** How a remote command ended, with what it printed. */
export interface RemoteResult {
  /** null when the connection ended before the command reported an exit. */
  code: number | null;
  /** The signal that ended it, as the server names it ("KILL"). */
  signal?: string;
  stdout: string;
  stderr: string;
}

/** An open connection to one runner; dispose it to disconnect. */
export class RunnerConnection implements AsyncDisposable {
  readonly name: string;
  readonly client: SshClient;
  #closed = false;
  readonly #closedPromise: Promise<void>;

  constructor(client: SshClient, name: string) {
    this.name = name;
    this.client = client;
    // An error event nobody hears would crash the process; the close that follows is what counts.
    client.on("error", () => undefined);
    this.#closedPromise = new Promise((resolve) =>
      client.once("close", () => {
        this.#closed = true;
        resolve();
      }),
    );
  }

  /** True once the connection is gone, from either side. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Settles when the connection is gone. */
  whenClosed(): Promise<void> {
    return this.#closedPromise;
  }

  /**
   * Starts `command` and hands back its channel; `what` names it in errors. Listeners for how it
   * ends belong in `prepare`, which runs before any event can be missed.
   */
  open(
    command: string,
    what: string,
    signal?: AbortSignal,
    prepare?: (channel: SshChannel) => void,
  ): Promise<SshChannel> {
    return openExec(this.client, command, `${what} on ${this.name}`, signal, prepare);
  }

  /** Runs `command` to its end (or `timeoutMs`), feeding it `input` when given. */
  async run(
    command: string,
    options: { what: string; signal?: AbortSignal; timeoutMs?: number; input?: Readable },
  ): Promise<RemoteResult> {
    let stdout = "";
    let stderr = "";
    let code: number | null = null;
    let exitSignal: string | undefined;
    let closed = false;
    const channel = await this.open(command, options.what, options.signal, (opened) => {
      opened.on("exit", (exitCode: number | null, signal?: string) => {
        code = exitCode;
        exitSignal = signal;
      });
      opened.once("close", () => (closed = true));
    });
    channel.on("data", (chunk: Buffer) => (stdout = keepTail(stdout + chunk.toString())));
    channel.stderr.on("data", (chunk: Buffer) => (stderr = keepTail(stderr + chunk.toString())));
    if (options.input) options.input.pipe(channel);
    else channel.end();
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        if (!error) return resolve();
        channel.close();
        reject(error);
      };
      const onAbort = () => settle(options.signal?.reason as Error);
      const timeoutMs = options.timeoutMs ?? 60_000;
      const timer = setTimeout(
        () =>
          settle(
            new HarnessError(
              "EREMOTE",
              `${options.what} on ${this.name} took over ${timeoutMs} ms`,
              { hint: "the runner may be overloaded, its disk slow or its network slow" },
            ),
          ),
        timeoutMs,
      );
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (closed) settle();
      else channel.once("close", () => settle());
    });
    return { code, stdout, stderr, ...(exitSignal ? { signal: exitSignal } : {}) };
  }

  /** Disconnects, by force when the server does not answer within 2 s. */
  async close(): Promise<void> {
    if (this.#closed) return;
    const timer = setTimeout(() => this.client.destroy(), 2000);
    this.client.end();
    await this.#closedPromise;
    clearTimeout(timer);
  }

  /** Same as close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** How a remote command ended, in words: "exit 1", "signal KILL", "no exit status". */
export function howItEnded(result: RemoteResult): string {
  if (result.signal) return `signal ${result.signal}`;
  return result.code === null ? "no exit status: the channel closed first" : `exit ${result.code}`;
}

function keepTail(text: string): string {
  return text.length > 64_000 ? text.slice(-64_000) : text;
}
