// The CLI bundle's manifest: which sources it was built from, as they were then, so the launcher
// can tell in a few milliseconds whether the bundle still matches the tree. Only node:fs here:
// this runs before every command.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

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

/** The bundle folder of a repository (`HARNESS_CLI_BUNDLE_DIR` overrides it). */
export function bundleDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.HARNESS_CLI_BUNDLE_DIR || join(root, ".cache", "cli");
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

function readManifest(dir: string): BundleManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as BundleManifest;
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
