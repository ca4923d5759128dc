// Modules for a local kernel file (--kernel-modules): a folder holding lib/modules/<release> (or that
// folder itself), used in place when indexed, or a tarball of it, unpacked once per content.
import { createHash } from "node:crypto";
import { mkdir, readdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { execa } from "execa";
import { inputError } from "../../errors.ts";
import { fileStamp, sha256File } from "./file-stamp.ts";
import { fillOnce } from "./fill-once.ts";
import {
  ensureModulesIndex,
  modulesRelease,
  unpackModulesTar,
  type ModulesOrigin,
} from "./modules-tree.ts";

/** Modules ready for staging, and a hash that changes whenever they do. */
export interface LocalModules {
  release: string;
  modulesDir: string;
  identity: string;
}

const HINT =
  "give --kernel-modules the folder that holds lib/modules/<release>, that <release> folder itself, or a tarball of lib/modules/<release>";

/** Finds, indexes and identifies the modules at `path` (a folder or a tarball). */
export async function localModules(
  path: string,
  cacheDir: string,
  signal?: AbortSignal,
): Promise<LocalModules> {
  const full = resolve(path);
  const info = await stat(full).catch(() => undefined);
  const origin: ModulesOrigin = { what: `--kernel-modules ${path}`, hint: HINT };
  if (!info)
    throw inputError("EKERNELMODULES", `--kernel-modules ${path} does not exist`, { hint: HINT });
  if (info.isFile()) return tarballModules(full, cacheDir, origin, signal);
  const { root, release } = await folderRelease(full, origin);
  const modulesDir = join(root, "lib", "modules", release);
  const identity = await treeIdentity(modulesDir);
  if (await stat(join(modulesDir, "modules.dep")).catch(() => undefined))
    return { release, modulesDir, identity };
  // depmod writes its index beside the modules; the user's folder is left as it is.
  const dir = join(cacheDir, "kernels", `modules-${identity.slice(0, 32)}`);
  await fillOnce(dir, async (work) => {
    const target = join(work, "tree", "lib", "modules");
    await mkdir(target, { recursive: true });
    await execa("cp", ["-a", modulesDir, target], signal ? { cancelSignal: signal } : {});
    await ensureModulesIndex(join(work, "tree"), release, signal);
    return { release };
  });
  return { release, modulesDir: join(dir, "tree", "lib", "modules", release), identity };
}

/** A cheap stamp of the modules at `path` for the build fingerprint: the path and its index's times. */
export async function modulesStamp(path: string): Promise<string> {
  const full = resolve(path);
  const candidates = [full, join(full, "modules.dep")];
  for (const release of await readdir(join(full, "lib", "modules")).catch(() => []))
    candidates.push(join(full, "lib", "modules", release, "modules.dep"));
  const stamps = await Promise.all(candidates.map(fileStamp));
  return `${full}|${stamps.join("|")}`;
}

async function tarballModules(
  tarball: string,
  cacheDir: string,
  origin: ModulesOrigin,
  signal?: AbortSignal,
): Promise<LocalModules> {
  const identity = await sha256File(tarball);
  const dir = join(cacheDir, "kernels", `modules-${identity.slice(0, 32)}`);
  const { release } = await fillOnce(dir, async (work) => ({
    release: await unpackModulesTar(tarball, join(work, "tree"), origin, signal),
  }));
  return { release, modulesDir: join(dir, "tree", "lib", "modules", release), identity };
}

// Either ROOT (holding lib/modules/<release>) or ROOT/lib/modules/<release> itself.
async function folderRelease(
  full: string,
  origin: ModulesOrigin,
): Promise<{ root: string; release: string }> {
  const parent = dirname(full);
  if (basename(parent) === "modules" && basename(dirname(parent)) === "lib")
    return { root: dirname(dirname(parent)), release: basename(full) };
  return { root: full, release: await modulesRelease(full, origin) };
}

// Every file's path, size and time: changes when any module does, without reading them all.
async function treeIdentity(dir: string): Promise<string> {
  const hash = createHash("sha256");
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of files) hash.update(`${file.slice(dir.length)}\0${await fileStamp(file)}\0`);
  return hash.digest("hex");
}
