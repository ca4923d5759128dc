// The image layout's own files: `oci-layout` and `index.json`, read leniently and written atomically.
import { readFile, access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { HarnessError } from "../../errors.ts";
import { writeFileAtomic } from "./blob-file.ts";
import { MEDIA_TYPE, REF_NAME_ANNOTATION } from "./types.ts";
import type { Descriptor, ImageIndex } from "./types.ts";

/** Creates the layout's skeleton when it is missing (safe to race: each write is atomic and identical). */
export async function ensureLayout(root: string): Promise<void> {
  await mkdir(join(root, "blobs", "sha256"), { recursive: true });
  const marker = join(root, "oci-layout");
  const exists = await access(marker).then(
    () => true,
    () => false,
  );
  if (!exists)
    await writeFileAtomic(marker, `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}\n`);
}

/** The layout's index.json; an empty index when there is none yet. */
export async function readLayoutIndex(root: string): Promise<ImageIndex> {
  const path = join(root, "index.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyIndex();
    throw error;
  }
  try {
    const index = JSON.parse(text) as ImageIndex;
    if (!Array.isArray(index.manifests)) throw new Error("it has no manifests list");
    return index;
  } catch (error) {
    throw new HarnessError("ESTOREINDEX", `the image store index ${path} is not valid JSON`, {
      hint: `Delete ${path} (the images will be pulled or built again).`,
      cause: error,
    });
  }
}

/** Replaces index.json atomically; call it only while holding the store's lock. */
export async function writeLayoutIndex(root: string, index: ImageIndex): Promise<void> {
  await writeFileAtomic(join(root, "index.json"), `${JSON.stringify(index, null, 2)}\n`);
}

/** The ref name annotation of a descriptor in index.json. */
export function refNameOf(descriptor: Descriptor): string | undefined {
  return descriptor.annotations?.[REF_NAME_ANNOTATION];
}

/** The index with `name` pointing at `descriptor`, replacing what it pointed at before. */
export function withRef(index: ImageIndex, name: string, descriptor: Descriptor): ImageIndex {
  const entry: Descriptor = {
    ...descriptor,
    annotations: { ...descriptor.annotations, [REF_NAME_ANNOTATION]: name },
  };
  const others = index.manifests.filter((m) => refNameOf(m) !== name);
  return { ...index, manifests: [...others, entry] };
}

function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MEDIA_TYPE.ociIndex, manifests: [] };
}
