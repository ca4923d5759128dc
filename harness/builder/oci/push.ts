// Pushing an image from the local store to a registry: blobs first, then manifests, then the index.
import { createReadStream } from "node:fs";
import { EXIT, HarnessError, inputError } from "../../errors.ts";
import { formatPlatform } from "./platform.ts";
import { parseReference } from "./reference.ts";
import { RegistrySession } from "./registry-session.ts";
import type { RegistryOptions } from "./registry-session.ts";
import { readDocument } from "./resolve.ts";
import type { OciStore } from "./store.ts";
import type { Descriptor, ImageManifest } from "./types.ts";

/** Pushes `localRef` from the store to `remoteRef` (every platform of an index); returns the pushed top descriptor. */
export async function pushImage(
  store: OciStore,
  localRef: string,
  remoteRef: string,
  options: RegistryOptions = {},
): Promise<Descriptor> {
  const top = await store.lookup(localRef);
  const document = top && (await readDocument(store, top.digest));
  if (!document) {
    throw new HarnessError(
      "EIMAGENOTFOUND",
      `image ${localRef} is not in the local store ${store.root}`,
      {
        hint: "Build or pull the image before pushing it.",
        exitCode: EXIT.badInput,
      },
    );
  }
  const remote = parseReference(remoteRef);
  if (remote.digest !== undefined && remote.digest !== document.descriptor.digest) {
    throw inputError(
      "EIMAGEREF",
      `cannot push ${localRef} (${document.descriptor.digest}) as ${remoteRef}`,
      {
        hint: "Push to a tag, or to the digest the image has.",
      },
    );
  }
  const session = new RegistrySession(remote, options);
  if (document.kind === "manifest") await pushManifest(session, store, document.manifest);
  else {
    for (const entry of document.index.manifests) {
      const child = await readDocument(store, entry.digest);
      if (child?.kind !== "manifest") throw missingPlatform(store, localRef, entry);
      await pushManifest(session, store, child.manifest);
      await putDocument(session, store, child.descriptor, entry.digest);
    }
  }
  await putDocument(session, store, document.descriptor, remote.tag ?? document.descriptor.digest);
  return document.descriptor;
}

async function pushManifest(session: RegistrySession, store: OciStore, manifest: ImageManifest) {
  for (const blob of [manifest.config, ...manifest.layers]) await pushBlob(session, store, blob);
}

// HEAD first: the registry may have the blob already. Otherwise one monolithic upload (POST, then PUT).
async function pushBlob(
  session: RegistrySession,
  store: OciStore,
  blob: Descriptor,
): Promise<void> {
  const head = await session.send("HEAD", session.url(`blobs/${blob.digest}`), {
    okStatuses: [200, 404],
  });
  if (head.status === 200) return;
  if (!(await store.hasBlob(blob.digest))) {
    throw new HarnessError(
      "EBLOBMISSING",
      `blob ${blob.digest} is not in the local store ${store.root}`,
      {
        hint: "Pull or build the image again, then push.",
      },
    );
  }
  const startUrl = session.url("blobs/uploads/");
  const started = await session.send("POST", startUrl, { okStatuses: [202] });
  const location = started.headers.get("location");
  if (!location) throw session.statusError("POST", startUrl, started);
  const uploadUrl = new URL(location, session.baseUrl);
  uploadUrl.searchParams.set("digest", blob.digest);
  const path = store.blobPath(blob.digest);
  await session.send("PUT", uploadUrl.href, {
    headers: { "content-type": "application/octet-stream", "content-length": String(blob.size) },
    body: (progress) => withProgress(createReadStream(path), progress),
    okStatuses: [201],
  });
}

async function putDocument(
  session: RegistrySession,
  store: OciStore,
  descriptor: Descriptor,
  reference: string,
): Promise<void> {
  const body = await store.readBlob(descriptor.digest);
  await session.send("PUT", session.url(`manifests/${reference}`), {
    headers: { "content-type": descriptor.mediaType },
    body: () => body,
    okStatuses: [201],
  });
}

async function* withProgress(chunks: AsyncIterable<Buffer>, progress: () => void) {
  for await (const chunk of chunks) {
    progress();
    yield chunk;
  }
}

function missingPlatform(store: OciStore, ref: string, entry: Descriptor): HarnessError {
  const platform = entry.platform ? formatPlatform(entry.platform) : entry.digest;
  return new HarnessError(
    "EBLOBMISSING",
    `cannot push ${ref}: its ${platform} manifest ${entry.digest} is not in the local store ${store.root}`,
    { hint: `Pull ${ref} for ${platform} too (a push sends every platform of an index).` },
  );
}
