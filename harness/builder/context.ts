// Where the builder keeps things: the cache (HARNESS_CACHE, a clone's .cache/ or the user's cache
// folder for an installed copy), the store, the pkg/ recipes.
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { OciStore } from "./oci/store.ts";
import { cacheHome } from "../util/cache-home.ts";

/** The repository root (the folder holding harness/ and pkg/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Folders and the store every build uses. */
export interface BuildContext {
  cacheDir: string;
  pkgRoot: string;
  store: OciStore;
}

/** The build context for an environment: HARNESS_CACHE overrides the cache folder. */
export function buildContext(env: NodeJS.ProcessEnv): BuildContext {
  const cacheDir = cacheHome(REPO_ROOT, env);
  return {
    cacheDir,
    pkgRoot: join(REPO_ROOT, "pkg"),
    store: new OciStore(OciStore.defaultRoot(env, REPO_ROOT)),
  };
}
