// The config blob `addImage` writes: the caller's config, checked against the platform, with diff IDs filled in.
import { HarnessError, inputError } from "../../errors.ts";
import { diffIdOf } from "./diff-id.ts";
import { formatPlatform, samePlatform } from "./platform.ts";
import type { Descriptor, OciPlatform } from "./types.ts";

/** Where the layers' blobs are, so their diff IDs can be computed. */
export interface LayerFiles {
  readonly root: string;
  hasBlob(digest: string): Promise<boolean>;
  blobPath(digest: string): string;
}

/** The config for one platform's image: platform fields set, `rootfs.diff_ids` computed when absent. */
export async function imageConfigFor(
  blobs: LayerFiles,
  input: { ref: string; platform: OciPlatform; config: object; layers: Descriptor[] },
): Promise<Record<string, unknown>> {
  const config = { ...input.config } as Record<string, unknown>;
  checkPlatform(config, input.platform, input.ref);
  for (const layer of input.layers) {
    if (!(await blobs.hasBlob(layer.digest))) {
      throw new HarnessError(
        "EBLOBMISSING",
        `layer ${layer.digest} of ${input.ref} is not in ${blobs.root}`,
        {
          hint: "Store the layer with putBlob or putBlobFile before adding the image.",
        },
      );
    }
  }
  const rootfs = config.rootfs ?? {
    type: "layers",
    diff_ids: await Promise.all(input.layers.map((l) => diffIdOf(l, blobs.blobPath(l.digest)))),
  };
  return { ...config, ...input.platform, rootfs };
}

function checkPlatform(config: Record<string, unknown>, platform: OciPlatform, ref: string): void {
  const field = (key: keyof OciPlatform) => {
    const value = config[key];
    return typeof value === "string" ? value : platform[key];
  };
  const declared: OciPlatform = {
    os: field("os") ?? "",
    architecture: field("architecture") ?? "",
  };
  const variant = field("variant");
  if (variant !== undefined) declared.variant = variant;
  if (samePlatform(declared, platform)) return;
  throw inputError("EIMAGECONFIG", `the config of ${ref} is for ${formatPlatform(declared)}`, {
    hint: `Make the config's os/architecture/variant match ${formatPlatform(platform)}, or leave them out.`,
  });
}
