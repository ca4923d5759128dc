// The one way the builder gets an image: the local store first, then (when allowed) the registry.
import { EXIT, HarnessError } from "../../errors.ts";
import { formatPlatform } from "./platform.ts";
import { pullImage } from "./pull.ts";
import { normalizeReference, parseReference } from "./reference.ts";
import { registryBaseUrl } from "./registry-session.ts";
import type { RegistryOptions } from "./registry-session.ts";
import type { OciStore } from "./store.ts";
import type { OciPlatform, ResolvedImage } from "./types.ts";

/** Registry options plus whether the registry may be asked at all. */
export type GetImageOptions = RegistryOptions & { pull: boolean };

/** The image for `platform` from the store, pulled first when it is missing and pulling is allowed. */
export async function getImage(
  store: OciStore,
  ref: string,
  platform: OciPlatform,
  options: GetImageOptions,
): Promise<ResolvedImage> {
  const local = await resolveLocally(store, ref, platform);
  if (local) return local;
  const { pull, ...registryOptions } = options;
  const wanted = `${normalizeReference(ref)} (${formatPlatform(platform)})`;
  if (!pull) {
    throw new HarnessError(
      "EIMAGENOTFOUND",
      `image ${wanted} is not in the local store ${store.root}, and pulling is off`,
      {
        hint: "Allow pulling, or build or copy the image into the store first.",
        exitCode: EXIT.badInput,
      },
    );
  }
  try {
    return await pullImage(store, ref, platform, registryOptions);
  } catch (error) {
    throw notFoundAnywhere(error, store, ref, wanted, registryOptions);
  }
}

// A corrupt local copy is removed by the read that finds it; asking again then pulls a fresh one.
async function resolveLocally(store: OciStore, ref: string, platform: OciPlatform) {
  try {
    return await store.resolve(ref, platform);
  } catch (error) {
    if (error instanceof HarnessError && error.code === "EBLOBCORRUPT") return undefined;
    throw error;
  }
}

const WRAPPED = new Set(["EIMAGENOTFOUND", "EREGISTRY", "EREGISTRYAUTH"]);

function notFoundAnywhere(
  error: unknown,
  store: OciStore,
  ref: string,
  wanted: string,
  options: RegistryOptions,
): unknown {
  if (!(error instanceof HarnessError) || !WRAPPED.has(error.code)) return error;
  const registry = registryBaseUrl(parseReference(ref).registry, options.plainHttp);
  return new HarnessError(
    "EIMAGENOTFOUND",
    `image ${wanted} is not in the local store ${store.root}, and pulling it from ${registry} failed: ${error.message}`,
    {
      hint: error.hint ?? "Check the image name, or put the image into the store.",
      exitCode: error.exitCode,
      cause: error,
    },
  );
}
