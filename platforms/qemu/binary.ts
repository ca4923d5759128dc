// Where an emulator binary is on PATH and what identifies its build, found with stat calls
// instead of a shell or `qemu --version`, which would add ~30 ms to every boot.
import { stat } from "node:fs/promises";
import { delimiter, join } from "node:path";

const located = new Map<string, Promise<string | undefined>>();

/** The first executable file called `name` on PATH, looked up once per process. */
export function findOnPath(name: string): Promise<string | undefined> {
  let found = located.get(name);
  if (!found) {
    found = search(name);
    located.set(name, found);
  }
  return found;
}

/** Path, size and mtime of `name` on PATH: a new qemu is a new file, so this stands in for its version. */
export async function binaryIdentity(name: string): Promise<string> {
  const path = await findOnPath(name);
  const info = path ? await stat(path).catch(() => undefined) : undefined;
  return info ? `${path} ${info.size} ${info.mtimeMs}` : `${name} not found`;
}

async function search(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    // Any execute bit will do: the spawn that follows reports a real permission problem.
    if (info?.isFile() && (info.mode & 0o111) !== 0) return join(dir, name);
  }
  return undefined;
}
