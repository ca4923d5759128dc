// A cache folder filled at most once: built beside its final name, renamed into place whole, never half.
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withFileLock } from "../../util/file-lock.ts";

/** The file whose presence marks a filled folder; it holds what `fill` returned. */
export const FILLED_MARKER = "kernel.json";

/** Fills `dir` with `fill(work)` unless it is already filled; returns what the filling recorded. */
export async function fillOnce<T extends object>(
  dir: string,
  fill: (work: string) => Promise<T>,
): Promise<T> {
  const marker = join(dir, FILLED_MARKER);
  if (!(await stat(marker).catch(() => undefined))) {
    await withFileLock(dir, async () => {
      if (await stat(marker).catch(() => undefined)) return;
      const work = `${dir}.tmp-${process.pid}`;
      await rm(work, { recursive: true, force: true });
      try {
        await mkdir(work, { recursive: true });
        const meta = await fill(work);
        await writeFile(join(work, FILLED_MARKER), `${JSON.stringify(meta)}\n`);
        await rm(dir, { recursive: true, force: true });
        await rename(work, dir);
      } catch (error) {
        // A failed fill leaves nothing behind, so the next try starts clean.
        await rm(work, { recursive: true, force: true });
        throw error;
      }
    });
  }
  return JSON.parse(await readFile(marker, "utf8")) as T;
}
