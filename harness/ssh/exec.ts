// Opens one exec channel, with a deadline and an abort, so a dead server cannot hang a step.
import type { NodeSSH, SSHExecCommandOptions } from "node-ssh";
import { HarnessError } from "../errors.ts";

/** ssh2's client and session channel, named through node-ssh so no transitive import is needed. */
export type SshClient = NonNullable<NodeSSH["connection"]>;
/** A session channel running one command. */
export type SshChannel = Parameters<NonNullable<SSHExecCommandOptions["onChannel"]>>[0];

const OPEN_TIMEOUT_MS = 30_000;

/**
 * Starts `command` on the server; `what` names it in errors ("step \"boot\""). `prepare` gets the
 * channel before anything else can: a quick command's exit status may arrive in the same read as
 * the channel, and its "exit" event is gone by the time an awaiting caller listens.
 */
export function openExec(
  client: SshClient,
  command: string,
  what: string,
  signal?: AbortSignal,
  prepare?: (channel: SshChannel) => void,
): Promise<SshChannel> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      action();
      return true;
    };
    const fail = (cause: unknown) =>
      new HarnessError("ESSHEXEC", `the SSH server did not start ${what}`, {
        cause,
        hint: "the connection may have dropped; see ssh.log and console.log",
      });
    const timer = setTimeout(
      () => settle(() => reject(fail(new Error(`no session within ${OPEN_TIMEOUT_MS} ms`)))),
      OPEN_TIMEOUT_MS,
    );
    const onAbort = () => settle(() => reject(abortReason(signal)));
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      client.exec(command, (error, channel) => {
        if (error) settle(() => reject(fail(error)));
        // A channel that opens after we gave up on it is closed at once.
        else if (!settle(() => resolve(channel))) channel.close();
        else prepare?.(channel);
      });
    } catch (error) {
      settle(() => reject(fail(error)));
    }
  });
}

// The abort reason as given (an Error, normally), or wrapped when someone aborted with a non-Error.
function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`);
}
