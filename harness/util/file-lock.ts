// A cross-process lock on a path (mkdir is atomic), with a deadline and stale-lock recovery.
import { mkdir, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { HarnessError } from "../errors.ts";

/** Holds `${path}.lock` while `work` runs; waits up to `timeoutMs` for another holder. */
export async function withFileLock<T>(
  path: string,
  work: () => Promise<T>,
  timeoutMs = 10 * 60_000,
): Promise<T> {
  const lock = `${path}.lock`;
  const deadline = Date.now() + timeoutMs;
  await mkdir(dirname(lock), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
      // A holder that died leaves its lock behind; no holder keeps one this long.
      if (age > timeoutMs) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) {
        throw new HarnessError("ELOCK", `timed out waiting for lock ${lock}`, {
          hint: "another harness process holds it; if none runs, remove the folder",
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
