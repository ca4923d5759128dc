// Runs the real harness command as a user would, in a child process.
import { execa } from "execa";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";

/** The repository root. */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The fixture case tree. */
export const FIXTURES = join(REPO, "test", "fixtures", "cases");
/** LinuxKit's test-case tree, shipped beside the project as test data. */
export const LINUXKIT_CASES = join(REPO, "..", "shared", "corpus", "linuxkit", "test", "cases");

/** Starts `harness ARGS` without waiting for it. */
export function startHarness(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  return execa(join(REPO, "bin", "harness"), args, {
    cwd: options.cwd ?? REPO,
    env: options.env ?? {},
    reject: false,
    all: true,
  });
}

/** Runs `harness ARGS` to completion. */
export async function harness(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  const result = await startHarness(args, options);
  return {
    exitCode: result.exitCode,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
}

/** A fresh temporary folder. */
export function tempDir(prefix = "harness-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}
