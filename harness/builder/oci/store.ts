// A local, content-addressed OCI image layout: blobs by digest, refs in index.json, safe for concurrent writers.
import { createReadStream } from "node:fs";
import { access, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { HarnessError, inputError } from "../../errors.ts";
import { assertDigest, sha256Digest, writeBlob } from "./blob-file.ts";
import { imageConfigFor } from "./image-config.ts";
import { ensureLayout, readLayoutIndex, refNameOf, withRef, writeLayoutIndex } from "./layout.ts";
import { withFileLock } from "./lock.ts";
import { cacheHome } from "../../util/cache-home.ts";
import { formatPlatform, samePlatform } from "./platform.ts";
import { formatReference, normalizeReference, parseReference } from "./reference.ts";
import { configPlatform, readConfig, readDocument, resolveDescriptor } from "./resolve.ts";
import { MEDIA_TYPE } from "./types.ts";
import type { Descriptor, ImageIndex, ImageManifest, OciPlatform, ResolvedImage } from "./types.ts";
import { compareText } from "../../util/compare.ts";

export { platformForArch, formatPlatform, platformMatches } from "./platform.ts";
export type { HarnessArch } from "./platform.ts";
export type * from "./types.ts";
export { MEDIA_TYPE, REF_NAME_ANNOTATION } from "./types.ts";

/** What `addImage` stores: one platform's image under a ref. */
export interface AddImageInput {
  ref: string;
  platform: OciPlatform;
  config: object;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** An OCI image-layout folder (`oci-layout`, `index.json`, `blobs/sha256/…`). */
export class OciStore {
  /** The layout folder. */
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** `oci` in the cache folder: `$HARNESS_CACHE`, `<repoRoot>/.cache` or the user's cache. */
  static defaultRoot(env: NodeJS.ProcessEnv, repoRoot: string): string {
    return join(cacheHome(repoRoot, env), "oci");
  }

  /** Stores bytes as a blob (a no-op when it is already there). */
  async putBlob(data: Uint8Array | string, mediaType: string): Promise<Descriptor> {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    const digest = sha256Digest(bytes);
    if (!(await this.hasBlob(digest))) {
      await ensureLayout(this.root);
      await writeBlob(this.blobsDir(), [bytes]);
    }
    return { mediaType, digest, size: bytes.byteLength };
  }

  /** Stores a file as a blob, streaming and hashing it; the blob appears whole or not at all. */
  async putBlobFile(path: string, mediaType: string): Promise<Descriptor> {
    await ensureLayout(this.root);
    const written = await writeBlob(this.blobsDir(), createReadStream(path));
    return { mediaType, ...written };
  }

  /** Stores streamed bytes only if they are the blob `expected` describes (EDIGESTMISMATCH otherwise). */
  async putBlobStream(
    chunks: AsyncIterable<Uint8Array>,
    expected: Descriptor,
    source: string,
  ): Promise<Descriptor> {
    assertDigest(expected.digest);
    await ensureLayout(this.root);
    const written = await writeBlob(this.blobsDir(), chunks, { ...expected, source });
    return { mediaType: expected.mediaType, ...written };
  }

  /** True when the blob is in the store. */
  async hasBlob(digest: string): Promise<boolean> {
    return access(this.blobPath(digest)).then(
      () => true,
      () => false,
    );
  }

  /** Where a blob lives (whether or not it is there). */
  blobPath(digest: string): string {
    assertDigest(digest);
    return join(this.blobsDir(), digest.slice("sha256:".length));
  }

  /** A blob's bytes, verified against its digest; a corrupt blob is removed and EBLOBCORRUPT thrown. */
  async readBlob(digest: string): Promise<Buffer> {
    const path = this.blobPath(digest);
    const data = await readFile(path).catch((error: unknown) => {
      throw new HarnessError(
        "EBLOBMISSING",
        `blob ${digest} is not in the image store ${this.root}`,
        {
          hint: "Pull or build the image again.",
          cause: error,
        },
      );
    });
    const actual = sha256Digest(data);
    if (actual === digest) return data;
    await rm(path, { force: true });
    throw new HarnessError(
      "EBLOBCORRUPT",
      `blob ${path} is corrupt: its content hashes to ${actual}, not ${digest}; it was removed`,
      {
        hint: "Run the command again to pull or build the image anew (check the disk if this repeats).",
      },
    );
  }

  /** Stores one platform's image (config blob + manifest) and points `ref` at an index of its platforms. */
  async addImage(input: AddImageInput): Promise<{ manifest: Descriptor; index: Descriptor }> {
    const name = tagName(input.ref);
    const config = await imageConfigFor(this, input);
    const configDescriptor = await this.putBlob(JSON.stringify(config), MEDIA_TYPE.ociConfig);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPE.ociManifest,
      config: configDescriptor,
      layers: input.layers,
      ...(input.annotations ? { annotations: input.annotations } : {}),
    };
    const manifestDescriptor = await this.putBlob(JSON.stringify(manifest), MEDIA_TYPE.ociManifest);
    const entry: Descriptor = { ...manifestDescriptor, platform: input.platform };
    const index = await this.updateIndex(async (layout) => {
      const others = (await this.manifestsOfRef(layout, name)).filter(
        (m) => !m.platform || !samePlatform(m.platform, input.platform),
      );
      const manifests = [...others, entry].sort(byPlatform);
      const document: ImageIndex = { schemaVersion: 2, mediaType: MEDIA_TYPE.ociIndex, manifests };
      const descriptor = await this.putBlob(JSON.stringify(document), MEDIA_TYPE.ociIndex);
      return { layout: withRef(layout, name, descriptor), result: descriptor };
    });
    return { manifest: manifestDescriptor, index };
  }

  /** Finds `ref` (by tag or by manifest/index digest) for a platform in this store only; undefined when absent. */
  async resolve(ref: string, platform: OciPlatform): Promise<ResolvedImage | undefined> {
    const top = await this.lookup(ref);
    return top && resolveDescriptor(this, normalizeReference(ref), top, platform);
  }

  /** The index or manifest `ref` names here (its tag's entry, or the blob of its digest); undefined when absent. */
  async lookup(ref: string): Promise<Descriptor | undefined> {
    const parsed = parseReference(ref);
    if (parsed.digest) return (await readDocument(this, parsed.digest))?.descriptor;
    const name = formatReference(parsed);
    const layout = await readLayoutIndex(this.root);
    return layout.manifests.find((m) => refNameOf(m) === name);
  }

  /** Points the tag of `ref` at an index or manifest already in the store. */
  async tag(ref: string, descriptor: Descriptor): Promise<void> {
    const name = tagName(ref);
    await this.updateIndex((layout) =>
      Promise.resolve({ layout: withRef(layout, name, descriptor), result: undefined }),
    );
  }

  /** The refs in the store, normalized and sorted. */
  async list(): Promise<string[]> {
    const layout = await readLayoutIndex(this.root);
    return layout.manifests.flatMap((m) => refNameOf(m) ?? []).sort();
  }

  private blobsDir(): string {
    return join(this.root, "blobs", "sha256");
  }

  // Read-modify-write of index.json under the lock, so concurrent writers never lose each other's refs.
  private async updateIndex<T>(
    change: (layout: ImageIndex) => Promise<{ layout: ImageIndex; result: T }>,
  ): Promise<T> {
    await ensureLayout(this.root);
    return withFileLock(join(this.root, "index.json.lock"), async () => {
      const { layout, result } = await change(await readLayoutIndex(this.root));
      await writeLayoutIndex(this.root, layout);
      return result;
    });
  }

  private async manifestsOfRef(layout: ImageIndex, name: string): Promise<Descriptor[]> {
    const top = layout.manifests.find((m) => refNameOf(m) === name);
    const document = top && (await readDocument(this, top.digest));
    if (!top || !document) return [];
    if (document.kind === "index") return document.index.manifests;
    const platform =
      top.platform ?? configPlatform(await readConfig(this, document.manifest.config.digest));
    return [{ mediaType: top.mediaType, digest: top.digest, size: top.size, platform }];
  }
}

/** The normalized `registry/repository:tag` a ref is stored under; digest-only refs cannot be tags. */
function tagName(ref: string): string {
  const parsed = parseReference(ref);
  if (parsed.tag === undefined) {
    throw inputError("EIMAGEREF", `"${ref}" has no tag to store the image under`, {
      hint: "Give the image a tag, e.g. name:v1.",
    });
  }
  return formatReference({
    registry: parsed.registry,
    repository: parsed.repository,
    tag: parsed.tag,
  });
}

function byPlatform(a: Descriptor, b: Descriptor): number {
  const key = (d: Descriptor) => (d.platform ? formatPlatform(d.platform) : d.digest);
  return compareText(key(a), key(b));
}
