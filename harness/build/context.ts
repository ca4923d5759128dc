// Where the builder keeps things: the cache (HARNESS_CACHE or .cache/), the store, the pkg/ recipes.
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { OciStore } from "./oci/store.ts";

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
  const cacheDir = env.HARNESS_CACHE ? resolve(env.HARNESS_CACHE) : join(REPO_ROOT, ".cache");
  return {
    cacheDir,
    pkgRoot: join(REPO_ROOT, "pkg"),
    store: new OciStore(OciStore.defaultRoot(env, REPO_ROOT)),
  };
}
