// Where the harness keeps what it downloads and builds (kernels, images, builds, schemas): in a
// clone its .cache/ folder, as always; an installed copy never writes into its install folder, so
// it uses the user's cache folder instead. HARNESS_CACHE overrides both.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** True for a copy installed from the npm package: its prebuilt dist/ and no git checkout. */
export function isInstalledCopy(root: string): boolean {
  return existsSync(join(root, "dist", "harness.js")) && !existsSync(join(root, ".git"));
}

/** The user's cache folder for the harness: $XDG_CACHE_HOME/harness, else ~/.cache/harness. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), ".cache");
  return join(base, "harness");
}

/** The cache folder: HARNESS_CACHE, else `root/.cache` in a clone, else the user's cache folder. */
export function cacheHome(root: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.HARNESS_CACHE) return resolve(env.HARNESS_CACHE);
  return isInstalledCopy(root) ? userCacheDir(env) : join(root, ".cache");
}
