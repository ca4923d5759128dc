// Runs the real harness command as a user would, in a child process.
import { execa } from "execa";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";

/** The repository root. */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The fixture case tree. */
export const FIXTURES = join(REPO, "test", "fixtures", "cases");
/** LinuxKit's examples and test-case tree (test data kept outside the repository), when configured. */
export const LINUXKIT_CORPUS = process.env.HARNESS_LINUXKIT_CORPUS
  ? resolve(process.env.HARNESS_LINUXKIT_CORPUS)
  : undefined;
/** LinuxKit's test-case tree inside the corpus ("" without one: tests call needCorpus first). */
export const LINUXKIT_CASES = LINUXKIT_CORPUS ? join(LINUXKIT_CORPUS, "test", "cases") : "";

let corpusReasonShown = false;

/** Skips the calling test with a printed reason when HARNESS_LINUXKIT_CORPUS is not set. */
export function needCorpus(test: Mocha.Context): string {
  if (LINUXKIT_CORPUS) return LINUXKIT_CORPUS;
  if (!corpusReasonShown) {
    corpusReasonShown = true;
    console.log(
      "      skipping LinuxKit corpus tests: HARNESS_LINUXKIT_CORPUS is not set " +
        "(point it at a folder holding LinuxKit's examples/ and test/cases/)",
    );
  }
  return test.skip();
}

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
