// The CLI bundle's manifest: which sources it was built from, as they were then, so the launcher
// can tell in a few milliseconds whether the bundle still matches the tree. Only node:fs here:
// this runs before every command.
import {
  accessSync,
  constants,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { userCacheDir } from "../../util/cache-home.ts";

/** Bumped when the bundle's build options change, so older bundles are rebuilt. */
export const BUNDLE_FORMAT = 1;

/** What a bundle was built from, and where its entry point is. */
export interface BundleManifest {
  format: number;
  /** The repository root the bundle's absolute source paths point into. */
  root: string;
  /** The Node version it was built for (`process.version`). */
  node: string;
  /** The bundle's entry, relative to the bundle folder. */
  entry: string;
  /** Every input file, relative to the root: [mtime in ms, size in bytes]. */
  inputs: Record<string, [number, number]>;
}

/**
 * The bundle folder of a repository: `.cache/cli` in it, or, when the tree cannot be written to, a
 * folder of its own in the user's cache folder (`HARNESS_CLI_BUNDLE_DIR` overrides both).
 */
export function bundleDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.HARNESS_CLI_BUNDLE_DIR) return env.HARNESS_CLI_BUNDLE_DIR;
  const own = join(root, ".cache", "cli");
  return writable(own) ? own : join(userCacheDir(env), "cli", pathKey(root));
}

// Whether `dir`, or the nearest folder above it that exists, may be written to.
function writable(dir: string): boolean {
  for (let path = dir; ; path = dirname(path)) {
    try {
      accessSync(path, constants.W_OK);
      return true;
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      if (!missing || dirname(path) === path) return false;
    }
  }
}

// A short name for a root, so every tree gets a bundle folder of its own (FNV-1a: no crypto
// module to load before every command).
function pathKey(root: string): string {
  let hash = 0x811c9dc5;
  for (const char of root) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return `${basename(root)}-${hash.toString(16).padStart(8, "0")}`;
}

/** The manifest in `dir`, if there is one and every input is as it was at build time. */
export function freshManifest(root: string, dir: string): BundleManifest | undefined {
  const manifest = readManifest(dir);
  if (!manifest) return undefined;
  const current =
    manifest.format === BUNDLE_FORMAT &&
    manifest.root === root &&
    manifest.node === process.version;
  return current && unchanged(root, manifest.inputs) ? manifest : undefined;
}

/** The files a build depends on besides its modules: a change to one rebuilds the bundle. */
export const EXTRA_INPUTS = ["package.json", "tsconfig.json", "node_modules/.package-lock.json"];

/** [mtime in ms, size] of a file under `root`, or undefined when it is gone. */
export function fileStamp(root: string, path: string): [number, number] | undefined {
  const stats = statSync(join(root, path), { throwIfNoEntry: false });
  return stats ? [stats.mtimeMs, stats.size] : undefined;
}

/** Why the last build failed, and the files whose change may mend it. */
export interface BundleFailure extends Omit<BundleManifest, "entry"> {
  reason: string;
  /** When it failed (ms since the epoch). */
  atMs: number;
}

const FAILURE_FILE = "failed.json";

/**
 * Records a failed build, so commands run from the sources without trying again (~0.5 s each)
 * until a file the last bundle was built from, or npm's packages, change. Best effort: a folder
 * that cannot be written to gets no record, and the next command tries again.
 */
export function recordFailure(root: string, dir: string, error: unknown): void {
  const paths = new Set([
    ...Object.keys(readManifest(dir)?.inputs ?? {}),
    ...EXTRA_INPUTS,
    ...filesNamedBy(error),
  ]);
  const inputs: BundleFailure["inputs"] = {};
  for (const path of paths) {
    const stamp = fileStamp(root, path);
    if (stamp) inputs[path] = stamp;
  }
  const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
  const failure: BundleFailure = {
    format: BUNDLE_FORMAT,
    root,
    node: process.version,
    reason,
    atMs: Date.now(),
    inputs,
  };
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, FAILURE_FILE), JSON.stringify(failure));
  } catch {
    // Nowhere to keep it: the next command tries to build again.
  }
}

/** The recorded failure in `dir` while none of its files changed, else undefined. */
export function standingFailure(root: string, dir: string): BundleFailure | undefined {
  const failure = readJson<BundleFailure>(join(dir, FAILURE_FILE));
  if (!failure) return undefined;
  const same =
    failure.format === BUNDLE_FORMAT && failure.root === root && failure.node === process.version;
  return same && unchanged(root, failure.inputs) ? failure : undefined;
}

/** Forgets a recorded failure (after a build succeeded). */
export function clearFailure(dir: string): void {
  rmSync(join(dir, FAILURE_FILE), { force: true });
}

// The files an esbuild failure points at (relative to the root), such as a new module that
// does not parse: mending one of them is worth another build.
function filesNamedBy(error: unknown): string[] {
  const errors = (error as { errors?: { location?: { file?: unknown } | null }[] }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap(({ location }) =>
    typeof location?.file === "string" ? [location.file] : [],
  );
}

function readManifest(dir: string): BundleManifest | undefined {
  return readJson<BundleManifest>(join(dir, "manifest.json"));
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function unchanged(root: string, inputs: BundleManifest["inputs"]): boolean {
  for (const [path, [mtimeMs, size]] of Object.entries(inputs)) {
    const stamp = fileStamp(root, path);
    if (!stamp || stamp[0] !== mtimeMs || stamp[1] !== size) return false;
  }
  return true;
}
