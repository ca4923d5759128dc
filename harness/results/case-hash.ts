// A case folder's fingerprint for run.json: when a cell starts failing, compare can say whether the
// case itself changed since it last passed.
import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

const hashes = new Map<string, Promise<string | undefined>>();

/** sha256:… over the folder's file names and bytes, sorted; undefined when it cannot be read. */
export function caseFolderHash(dir: string): Promise<string | undefined> {
  let hash = hashes.get(dir);
  if (hash === undefined) {
    // Repetitions and kernels of one case share its folder: read it once per process.
    hash = hashFolder(dir).catch(() => undefined);
    hashes.set(dir, hash);
  }
  return hash;
}

async function hashFolder(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
  const hash = createHash("sha256");
  for (const name of files) {
    const bytes = await readFile(join(dir, name));
    hash.update(`${name}\0${bytes.length}\0`).update(bytes);
  }
  return `sha256:${hash.digest("hex")}`;
}
