// Files written whole or not at all: write to a temporary sibling, then rename.
import { mkdir, rename, writeFile, symlink, rm } from "node:fs/promises";
import { dirname, join, basename } from "node:path";

/** Writes `data` to `path` so readers never see a half-written file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** Points the symlink `path` at `target`, replacing any old link atomically. */
export async function symlinkAtomic(target: string, path: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  await symlink(target, temporary);
  await rename(temporary, path);
}
