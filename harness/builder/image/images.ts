// Resolves the image references of a YAML: harness/NAME from the pkg/ recipes, everything else from
// the store or a registry.
import type { Arch } from "../../arch.ts";
import { parseReference } from "../oci/reference.ts";
import { platformForArch, type OciStore, type ResolvedImage } from "../oci/store.ts";
import { getImage } from "../oci/get-image.ts";
import { buildPackage } from "../pkg/build-pkg.ts";
import { recipeNames } from "../pkg/recipe.ts";

/** What resolving images needs. */
export interface ImageSource {
  store: OciStore;
  pkgRoot: string;
  cacheDir: string;
  /** Whether images missing from the store may be pulled from their registry. */
  pull: boolean;
  signal?: AbortSignal;
}

/** The kernel pseudo-repository: `harness/kernel:debian-6.1-cloud` names a Debian kernel. */
export const KERNEL_REPOSITORY = "harness/kernel";

/** The guest package a reference names, if it is one of ours (harness/NAME with a recipe). */
export async function packageName(ref: string, pkgRoot: string): Promise<string | undefined> {
  const parsed = parseReference(ref);
  if (parsed.registry !== "docker.io" || !parsed.repository.startsWith("harness/"))
    return undefined;
  const name = parsed.repository.slice("harness/".length);
  return (await recipeNames(pkgRoot)).includes(name) ? name : undefined;
}

/** The image for `ref` on `arch`: built from its recipe, found in the store, or pulled. */
export async function resolveImage(
  ref: string,
  arch: Arch,
  source: ImageSource,
): Promise<ResolvedImage> {
  const name = await packageName(ref, source.pkgRoot);
  if (name) {
    return buildPackage(
      {
        pkgRoot: source.pkgRoot,
        cacheDir: source.cacheDir,
        store: source.store,
        ...(source.signal ? { signal: source.signal } : {}),
      },
      name,
      arch,
    );
  }
  return getImage(source.store, ref, platformForArch(arch), {
    pull: source.pull,
    ...(source.signal ? { signal: source.signal } : {}),
  });
}
