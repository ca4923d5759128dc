// Pulling one platform of an image from a registry into the local store, every byte checked against its digest.
import { EXIT, HarnessError } from "../../errors.ts";
import { sha256Digest } from "./blob-file.ts";
import { formatPlatform, offeredPlatforms, pickManifest, platformMatches } from "./platform.ts";
import { formatReference, parseReference } from "./reference.ts";
import type { ImageReference } from "./reference.ts";
import { RegistrySession } from "./registry-session.ts";
import type { RegistryOptions } from "./registry-session.ts";
import { configPlatform, readConfig } from "./resolve.ts";
import type { OciStore } from "./store.ts";
import { documentKind, isIndexMediaType, isManifestMediaType, MEDIA_TYPE } from "./types.ts";
import type { Descriptor, ImageIndex, ImageManifest, OciPlatform, ResolvedImage } from "./types.ts";

/** What pull and push requests send as `Accept` for manifests: OCI and Docker schema 2, single and multi-arch. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPE.ociIndex,
  MEDIA_TYPE.ociManifest,
  MEDIA_TYPE.dockerManifestList,
  MEDIA_TYPE.dockerManifest,
].join(", ");

type Fetched = { descriptor: Descriptor } & (
  { kind: "index"; index: ImageIndex } | { kind: "manifest"; manifest: ImageManifest }
);

/** Pulls `ref` for `platform` into `store`, tags it locally, and returns it as the store resolves it. */
export async function pullImage(
  store: OciStore,
  ref: string,
  platform: OciPlatform,
  options: RegistryOptions = {},
): Promise<ResolvedImage> {
  const parsed = parseReference(ref);
  const session = new RegistrySession(parsed, options);
  const top = await fetchManifest(session, store, parsed, parsed.digest ?? parsed.tag ?? "latest");
  let image = top;
  if (top.kind === "index") {
    const chosen = pickManifest(top.index.manifests, platform);
    if (!chosen) throw archError(parsed, platform, offeredPlatforms(top.index.manifests), session);
    image = await fetchManifest(session, store, parsed, chosen.digest);
  }
  if (image.kind !== "manifest") throw notAnImage(session, parsed, image.descriptor);
  await fetchBlob(session, store, image.manifest.config);
  const have = configPlatform(await readConfig(store, image.manifest.config.digest));
  if (top.kind === "manifest" && !platformMatches(platform, have)) {
    throw archError(parsed, platform, [formatPlatform(have)], session);
  }
  for (const layer of image.manifest.layers) await fetchBlob(session, store, layer);
  if (parsed.tag !== undefined) {
    const tagged = { registry: parsed.registry, repository: parsed.repository, tag: parsed.tag };
    await store.tag(formatReference(tagged), top.descriptor);
  }
  const resolved = await store.resolve(formatReference(parsed), platform);
  if (!resolved) {
    throw new HarnessError(
      "EIMAGESTORE",
      `pulled ${ref} but the store ${store.root} cannot resolve it`,
      {
        hint: "This is a bug in the harness; please report it with the store folder.",
      },
    );
  }
  return resolved;
}

// GETs a manifest or index, checks its digest, and stores it as a blob.
async function fetchManifest(
  session: RegistrySession,
  store: OciStore,
  ref: ImageReference,
  reference: string,
): Promise<Fetched> {
  const url = session.url(`manifests/${reference}`);
  const answer = await session.send("GET", url, {
    headers: { accept: MANIFEST_ACCEPT },
    okStatuses: [200, 404],
  });
  if (answer.status === 404) throw notFound(ref, url, session);
  const digest = sha256Digest(answer.body);
  const promised = reference.startsWith("sha256:")
    ? reference
    : (answer.headers.get("docker-content-digest") ?? digest);
  if (digest !== promised) {
    throw new HarnessError(
      "EDIGESTMISMATCH",
      `manifest ${url} should be ${promised} but is ${digest}; it was not stored`,
      {
        hint: "The registry sent other bytes than it promised; try again, or check the registry.",
      },
    );
  }
  const document = parseDocument(answer.body);
  const kind = documentKind(document);
  if (kind === "unknown") throw notAnImage(session, ref, { mediaType: "?", digest, size: 0 });
  const mediaType = manifestMediaType(answer.headers.get("content-type"), document, kind);
  const descriptor = await store.putBlob(answer.body, mediaType);
  return kind === "index"
    ? { kind, descriptor, index: document as ImageIndex }
    : { kind, descriptor, manifest: document as ImageManifest };
}

async function fetchBlob(
  session: RegistrySession,
  store: OciStore,
  blob: Descriptor,
): Promise<void> {
  if (await store.hasBlob(blob.digest)) return;
  const url = session.url(`blobs/${blob.digest}`);
  await session.stream(url, (chunks) => store.putBlobStream(chunks, blob, url));
}

function manifestMediaType(
  header: string | null,
  document: unknown,
  kind: "index" | "manifest",
): string {
  const fromHeader = header?.split(";")[0]?.trim();
  if (isIndexMediaType(fromHeader) || isManifestMediaType(fromHeader)) return fromHeader ?? "";
  const declared = (document as { mediaType?: unknown }).mediaType;
  if (typeof declared === "string") return declared;
  return kind === "index" ? MEDIA_TYPE.ociIndex : MEDIA_TYPE.ociManifest;
}

function parseDocument(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

function notFound(ref: ImageReference, url: string, session: RegistrySession): HarnessError {
  return new HarnessError(
    "EIMAGENOTFOUND",
    `image ${formatReference(ref)} not found: ${url} answered 404`,
    {
      hint: `Check the name and tag, or push the image to ${session.baseUrl} first.`,
      exitCode: EXIT.badInput,
    },
  );
}

function archError(
  ref: ImageReference,
  want: OciPlatform,
  offered: string[],
  session: RegistrySession,
): HarnessError {
  return new HarnessError(
    "EIMAGEARCH",
    `image ${formatReference(ref)} at ${session.baseUrl} has no ${formatPlatform(want)} variant; ` +
      `it has ${offered.join(", ") || "no platforms listed"}`,
    {
      hint: `Run on one of ${offered.join(", ") || "its platforms"}, or publish a ${formatPlatform(want)} build.`,
      exitCode: EXIT.badInput,
    },
  );
}

function notAnImage(
  session: RegistrySession,
  ref: ImageReference,
  descriptor: Descriptor,
): HarnessError {
  return new HarnessError(
    "EREGISTRY",
    `registry ${session.baseUrl} sent something that is not an image manifest or index for ` +
      `${formatReference(ref)} (${descriptor.mediaType} ${descriptor.digest})`,
    { hint: "Only OCI and Docker schema 2 images are supported; rebuild or re-push the image." },
  );
}
