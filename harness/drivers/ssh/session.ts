// An open SSH connection to a guest: runs steps, and closes on every path (`await using`).
import type { NodeSSH } from "node-ssh";
import type { SshClient } from "../../ssh/exec.ts";
import { runStep, type RunStepOptions } from "./run-step.ts";
import type { SshStep, SshStepResult } from "./types.ts";

const CLOSE_WAIT_MS = 2000;

/** A connected, authenticated SSH session; dispose it to disconnect. */
export class ConnectedSsh implements AsyncDisposable {
  /** user@host:port, for messages. */
  readonly where: string;
  readonly #client: SshClient;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(ssh: NodeSSH, where: string, log: (line: string) => void) {
    const client = ssh.connection;
    if (!client) throw new Error(`bug: ConnectedSsh for ${where} made from a closed NodeSSH`);
    this.where = where;
    this.#client = client;
    // node-ssh stops listening for errors once connected; an unheard error would crash the process.
    client.on("error", (error: Error) => log(`ssh: ${where}: ${error.message}`));
    client.once("close", () => (this.#closed = true));
  }

  /** True once the connection has closed, from either side. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Runs one step; see runStep for how output, timeouts and aborts are handled. */
  runStep(step: SshStep, options: RunStepOptions): Promise<SshStepResult> {
    return runStep(this.#client, step, options);
  }

  /** Disconnects politely, and by force if the server does not answer within 2 s. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#closed) return;
    const client = this.#client;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        client.destroy();
        resolve();
      }, CLOSE_WAIT_MS);
      client.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }

  /** Same as close(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
