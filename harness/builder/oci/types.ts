// The OCI and Docker v2 document shapes the store and the registry client exchange.

/** Media types of the documents and blobs the harness reads and writes. */
export const MEDIA_TYPE = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  ociLayer: "application/vnd.oci.image.layer.v1.tar",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
} as const;

/** The annotation that names a ref in an image layout's index.json. */
export const REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

/** An OS and CPU an image runs on, as OCI spells them (amd64, arm64). */
export interface OciPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

/** A pointer to a blob by content: media type, digest and size. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: OciPlatform;
  annotations?: Record<string, string>;
}

/** An image manifest (OCI or Docker schema 2): one config and its layers. */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** An image index (OCI) or manifest list (Docker): one manifest per platform. */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** An image's config blob; only the fields the harness reads are typed. */
export interface ImageConfigBlob {
  architecture: string;
  os: string;
  variant?: string;
  config?: Record<string, unknown>;
  rootfs?: { type: string; diff_ids: string[] };
  [field: string]: unknown;
}

/** An image found in the store for one platform, with everything needed to unpack it. */
export interface ResolvedImage {
  ref: string;
  /** The digest of the image manifest. */
  digest: string;
  /** The digest of the index the manifest was picked from, when there was one. */
  indexDigest?: string;
  manifest: ImageManifest;
  config: ImageConfigBlob;
  layers: Descriptor[];
  platform: OciPlatform;
}

/** True when a media type names an index or a manifest list. */
export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === MEDIA_TYPE.ociIndex || mediaType === MEDIA_TYPE.dockerManifestList;
}

/** True when a media type names a single-image manifest. */
export function isManifestMediaType(mediaType: string | undefined): boolean {
  return mediaType === MEDIA_TYPE.ociManifest || mediaType === MEDIA_TYPE.dockerManifest;
}

/** The kind of a manifest document, from its mediaType or, when that is absent, its shape. */
export function documentKind(document: unknown): "index" | "manifest" | "unknown" {
  if (typeof document !== "object" || document === null) return "unknown";
  const fields = document as Record<string, unknown>;
  const mediaType = typeof fields.mediaType === "string" ? fields.mediaType : undefined;
  if (isIndexMediaType(mediaType)) return "index";
  if (isManifestMediaType(mediaType)) return "manifest";
  if (Array.isArray(fields.manifests)) return "index";
  if (Array.isArray(fields.layers) && typeof fields.config === "object") return "manifest";
  return "unknown";
}
