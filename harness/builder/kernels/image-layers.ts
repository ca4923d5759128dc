// The layers of a kernel image, checked whole before they are unpacked: a missing or corrupt one is
// removed and pulled again when pulling is allowed, else reported with the next step, so the store
// never keeps a bad blob.
import { rm } from "node:fs/promises";
import { HarnessError } from "../../errors.ts";
import { pullImage } from "../oci/pull.ts";
import { MEDIA_TYPE, type OciStore, type ResolvedImage } from "../oci/store.ts";
import { sha256File } from "./file-stamp.ts";

/** Where the layers come from, and whether they may be fetched again. */
export interface LayerSource {
  store: OciStore;
  pull: boolean;
  signal?: AbortSignal;
}

const GZIP_LAYERS: ReadonlySet<string> = new Set([
  MEDIA_TYPE.ociLayerGzip,
  MEDIA_TYPE.dockerLayerGzip,
]);

/** Paths of the image's layer blobs, each present and matching its digest. */
export async function verifiedLayers(image: ResolvedImage, source: LayerSource): Promise<string[]> {
  const unsupported = image.layers.find((layer) => !GZIP_LAYERS.has(layer.mediaType));
  if (unsupported) {
    throw new HarnessError(
      "EUNSUPPORTED",
      `kernel image ${image.ref} has a ${unsupported.mediaType} layer; only gzip'd layers can be unpacked`,
      { exitCode: 2, hint: "rebuild or re-push the image with gzip-compressed layers" },
    );
  }
  let bad = await badLayers(image, source.store);
  if (bad.length > 0 && source.pull) {
    const options = source.signal ? { signal: source.signal } : {};
    await pullImage(source.store, image.ref, image.platform, options).catch((error: unknown) => {
      throw layerError(image, source, bad, error);
    });
    bad = await badLayers(image, source.store);
  }
  if (bad.length > 0) throw layerError(image, source, bad);
  return image.layers.map((layer) => source.store.blobPath(layer.digest));
}

// Missing layers, and corrupt ones, which are removed as the store's own reads remove them.
async function badLayers(image: ResolvedImage, store: OciStore): Promise<string[]> {
  const bad: string[] = [];
  for (const layer of image.layers) {
    const path = store.blobPath(layer.digest);
    const actual = await sha256File(path).catch(() => undefined);
    if (actual !== undefined && `sha256:${actual}` === layer.digest) continue;
    if (actual !== undefined) await rm(path, { force: true });
    bad.push(layer.digest);
  }
  return bad;
}

function layerError(
  image: ResolvedImage,
  source: LayerSource,
  bad: readonly string[],
  cause?: unknown,
): HarnessError {
  const pulling =
    cause === undefined
      ? ""
      : `, and pulling them again failed: ${cause instanceof Error ? cause.message : "unknown error"}`;
  return new HarnessError(
    "EBLOBMISSING",
    `kernel image ${image.ref} lacks layer ${bad.join(", ")} in the store ${source.store.root} (a corrupt copy is removed)${pulling}`,
    {
      hint: source.pull
        ? "check that the registry is reachable, or add the image to the store anew"
        : "build again without --no-pull to fetch it, or add the image to the store anew",
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
