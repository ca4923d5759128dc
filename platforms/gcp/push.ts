// Puts a built disk tarball into Compute Engine as an image, once: the image is named by the
// tarball's content hash, so the same bytes are uploaded once however many cells boot them.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { HarnessError } from "../../harness/errors.ts";
import { errorText, type GcpApi } from "./api.ts";
import { HARNESS_LABEL, labelValue } from "./names.ts";

/** An image ready to boot, and whether this run made it (and so owns its deletion). */
export interface PushedImage {
  name: string;
  created: boolean;
}

/** The sha256 of a file, hex. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The image name for a tarball with this hash (Compute Engine names: 63 chars, a letter first). */
export function imageNameFor(sha256: string): string {
  return `harness-${sha256.slice(0, 40)}`;
}

/**
 * Makes sure an image of `tarball` exists: reuses a READY one with the same content hash, else
 * uploads, creates the image, and removes the uploaded object again (the image holds the bytes).
 */
export async function pushImage(
  api: GcpApi,
  tarball: string,
  options: { runId: string; family?: string; signal?: AbortSignal },
): Promise<PushedImage> {
  const sha256 = await fileSha256(tarball);
  const name = imageNameFor(sha256);
  const existing = await api.getImage(name);
  if (existing?.status === "READY" && existing.labels["harness-sha256"] === sha256.slice(0, 63))
    return { name, created: false };
  if (existing) await api.deleteImage(name);
  const object = `harness/${name}.img.tar.gz`;
  try {
    const sourceUri = await api.upload(tarball, object, options.signal);
    await api.createImage(
      {
        name,
        sourceUri,
        labels: {
          [HARNESS_LABEL]: "true",
          "harness-run": labelValue(options.runId),
          "harness-sha256": sha256.slice(0, 63),
        },
        ...(options.family ? { family: options.family } : {}),
      },
      options.signal,
    );
  } catch (error) {
    await api.deleteImage(name).catch(() => undefined);
    throw new HarnessError(
      "EGCPPUSH",
      `pushing ${tarball} as image ${name} failed: ${errorText(error)}`,
      {
        cause: error,
        hint: "check the bucket and the credentials; nothing of this image was left behind",
      },
    );
  } finally {
    await api.deleteObject(object).catch(() => undefined);
  }
  return { name, created: true };
}
