// Shelling out to git for the logs repository: one scratch repository, deadlines, redacted errors.
import { execa } from "execa";
import { HarnessError } from "../errors.ts";
import type { Redact } from "../util/redact.ts";

/** Runs `git ARGS` in the scratch repository; returns stdout, throws GitError on failure. */
export type Git = (
  args: readonly string[],
  options?: { input?: Buffer | string },
) => Promise<string>;

/** A failed git command, its stderr already redacted. */
export class GitError extends HarnessError {
  readonly stderr: string;

  constructor(command: string, stderr: string) {
    super("EGIT", `git ${command} failed: ${lastLines(stderr)}`, {
      hint: "check the --logs-repo URL and that this machine's key or token may push to it",
    });
    this.stderr = stderr;
  }
}

const GIT_TIMEOUT_MS = 10 * 60_000;
/** The scratch repository runs no hooks, never signs and never collects garbage mid-publish. */
const SCRATCH_CONFIG = [
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "commit.gpgSign=false",
  "-c",
  "gc.auto=0",
];

/** A Git over the bare scratch repository `gitDir`; the user's SSH and credential setup is kept. */
export function gitIn(
  gitDir: string,
  options: { env: NodeJS.ProcessEnv; redact: Redact; signal: AbortSignal },
): Git {
  return async (args, { input } = {}) => {
    const result = await execa("git", ["--git-dir", gitDir, ...SCRATCH_CONFIG, ...args], {
      env: {
        ...options.env,
        // Never wait at a password prompt in CI (askpass helpers and credential helpers still work).
        GIT_TERMINAL_PROMPT: "0",
        LC_ALL: "C",
        GIT_AUTHOR_NAME: "harness",
        GIT_AUTHOR_EMAIL: "harness@localhost",
        GIT_COMMITTER_NAME: "harness",
        GIT_COMMITTER_EMAIL: "harness@localhost",
      },
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      timeout: GIT_TIMEOUT_MS,
      cancelSignal: options.signal,
      ...(input === undefined ? { stdin: "ignore" as const } : { input }),
    });
    if (result.exitCode === 0) return result.stdout;
    if (result.isCanceled) throw options.signal.reason;
    const output = `${result.stderr}\n${result.stdout}`.trim() || (result.shortMessage ?? "");
    const stderr = options.redact(output);
    const command = options.redact(
      args
        .filter((a) => !a.startsWith("-"))
        .slice(0, 2)
        .join(" "),
    );
    throw new GitError(command, stderr);
  };
}

function lastLines(text: string): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.slice(-4).join(" | ") || "no output";
}

/** True when a push lost a race with another publisher (the remote ref moved meanwhile). */
export function isRejectedPush(error: unknown): boolean {
  if (!(error instanceof GitError)) return false;
  return /\[rejected\]|\[remote rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref|stale info/i.test(
    error.stderr,
  );
}
