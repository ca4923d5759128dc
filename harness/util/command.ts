// The shape of a subcommand: its flags as data and a thin run function over the library.
import type { Writable } from "node:stream";
import type { FlagSpec, ParsedArgs } from "./args.ts";

/** What a command gets from the outside world; tests pass their own. */
export interface CommandIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: Writable;
  stderr: Writable;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  argv: readonly string[];
}

/** One subcommand. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: readonly FlagSpec[];
  /** Returns the process exit code. */
  run(args: ParsedArgs, io: CommandIo): Promise<number>;
}
