// Walking from a ref's descriptor to one platform's manifest, config and layers, all present locally.
import { HarnessError } from "../../errors.ts";
import { pickManifest, platformMatches } from "./platform.ts";
import { documentKind, MEDIA_TYPE } from "./types.ts";
import type {
  Descriptor,
  ImageConfigBlob,
  ImageIndex,
  ImageManifest,
  OciPlatform,
  ResolvedImage,
} from "./types.ts";

/** The blob access resolving needs (the store implements it). */
export interface BlobReader {
  readonly root: string;
  hasBlob(digest: string): Promise<boolean>;
  readBlob(digest: string): Promise<Buffer>;
}

/** A manifest or index blob, parsed, with its descriptor. */
export type StoredDocument = { descriptor: Descriptor } & (
  { kind: "index"; index: ImageIndex } | { kind: "manifest"; manifest: ImageManifest }
);

/** A parsed JSON blob with its kind, or undefined when the blob is absent. */
export async function readDocument(
  blobs: BlobReader,
  digest: string,
): Promise<StoredDocument | undefined> {
  if (!(await blobs.hasBlob(digest))) return undefined;
  const data = await blobs.readBlob(digest);
  let document: unknown;
  try {
    document = JSON.parse(data.toString("utf8"));
  } catch (error) {
    throw notADocument(blobs, digest, error);
  }
  const kind = documentKind(document);
  const declared = (document as { mediaType?: unknown }).mediaType;
  const fallback = kind === "index" ? MEDIA_TYPE.ociIndex : MEDIA_TYPE.ociManifest;
  const mediaType = typeof declared === "string" ? declared : fallback;
  const descriptor: Descriptor = { mediaType, digest, size: data.byteLength };
  if (kind === "index") return { kind, descriptor, index: document as ImageIndex };
  if (kind === "manifest") return { kind, descriptor, manifest: document as ImageManifest };
  throw notADocument(blobs, digest, undefined);
}

/** The image for `want` under `top` (an index or a manifest); undefined when any part is missing. */
export async function resolveDescriptor(
  blobs: BlobReader,
  ref: string,
  top: Descriptor,
  want: OciPlatform,
): Promise<ResolvedImage | undefined> {
  const document = await readDocument(blobs, top.digest);
  if (document?.kind === "manifest")
    return resolveManifest(blobs, ref, top, document.manifest, want);
  if (document?.kind !== "index") return undefined;
  const chosen = pickManifest(document.index.manifests, want);
  if (!chosen) return undefined;
  const child = await readDocument(blobs, chosen.digest);
  if (child?.kind !== "manifest") return undefined;
  const image = await resolveManifest(blobs, ref, chosen, child.manifest, want);
  return image && { ...image, indexDigest: top.digest };
}

/** The platform a config blob declares. */
export function configPlatform(config: ImageConfigBlob): OciPlatform {
  const platform: OciPlatform = { os: config.os, architecture: config.architecture };
  if (config.variant !== undefined) platform.variant = config.variant;
  return platform;
}

/** Reads and parses a config blob. */
export async function readConfig(blobs: BlobReader, digest: string): Promise<ImageConfigBlob> {
  try {
    return JSON.parse((await blobs.readBlob(digest)).toString("utf8")) as ImageConfigBlob;
  } catch (error) {
    if (error instanceof HarnessError) throw error;
    throw notADocument(blobs, digest, error);
  }
}

async function resolveManifest(
  blobs: BlobReader,
  ref: string,
  descriptor: Descriptor,
  manifest: ImageManifest,
  want: OciPlatform,
): Promise<ResolvedImage | undefined> {
  if (!(await blobs.hasBlob(manifest.config.digest))) return undefined;
  const config = await readConfig(blobs, manifest.config.digest);
  const platform = descriptor.platform ?? configPlatform(config);
  if (!platformMatches(want, platform)) return undefined;
  for (const layer of manifest.layers) {
    if (!(await blobs.hasBlob(layer.digest))) return undefined;
  }
  return { ref, digest: descriptor.digest, manifest, config, layers: manifest.layers, platform };
}

function notADocument(blobs: BlobReader, digest: string, cause: unknown): HarnessError {
  return new HarnessError(
    "EIMAGEMANIFEST",
    `blob ${digest} in the image store ${blobs.root} is not an image manifest, index or config`,
    { hint: "Pull or build the image again.", cause },
  );
}
