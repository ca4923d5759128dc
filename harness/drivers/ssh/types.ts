// The shapes the SSH driver takes and returns; the cell runner codes against these.
/** One SSH step run from the host against the guest. */
export interface SshStep {
  name: string;
  run: string;
  timeoutMs?: number;
  exit: number;
  tap: boolean;
}

/** Where a guest's SSH server listens and how to log in. */
export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  privateKeyPath: string;
}

/** A log sink: a function, or anything with `write(text)` (a stream, a file handle wrapper). */
export type SshLog = ((chunk: string) => void) | { write(chunk: string): unknown };

/** How one SSH step ended. */
export interface SshStepResult {
  name: string;
  /** null when the command was ended by a signal or never reported an exit. */
  exitCode: number | null;
  /** The signal that ended the command, as the server names it ("HUP", "KILL"). */
  signal?: string;
  timedOut: boolean;
  /** Set when the step ended for a reason other than the command: the connection dropped. */
  error?: string;
  /** The last `STDOUT_KEEP_BYTES` of standard output. */
  stdout: string;
  /** Bytes of standard output dropped from the front to keep `stdout` bounded. */
  stdoutDroppedBytes: number;
  durationMs: number;
}

/** Writes to a sink whichever form it has. */
export function writeLog(log: SshLog, chunk: string): void {
  if (typeof log === "function") log(chunk);
  else log.write(chunk);
}
