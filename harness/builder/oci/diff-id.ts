// Layer diff IDs (digests of the uncompressed tar) for image configs the harness writes itself.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGunzip, createZstdDecompress } from "node:zlib";
import type { Transform } from "node:stream";
import { inputError } from "../../errors.ts";
import { MEDIA_TYPE } from "./types.ts";
import type { Descriptor } from "./types.ts";

/** The sha256 digest of a layer's uncompressed content, read from its blob file. */
export async function diffIdOf(layer: Descriptor, path: string): Promise<string> {
  const decompress = decompressorFor(layer);
  if (decompress === undefined) return layer.digest;
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), decompress, hash);
  return `sha256:${hash.digest("hex")}`;
}

function decompressorFor(layer: Descriptor): Transform | undefined {
  switch (layer.mediaType) {
    case MEDIA_TYPE.ociLayer:
      return undefined;
    case MEDIA_TYPE.ociLayerGzip:
    case MEDIA_TYPE.dockerLayerGzip:
      return createGunzip();
    case MEDIA_TYPE.ociLayerZstd:
      return createZstdDecompress();
    default:
      throw inputError(
        "ELAYERTYPE",
        `layer ${layer.digest} has the unknown media type ${layer.mediaType}`,
        {
          hint: `Use ${MEDIA_TYPE.ociLayerGzip} or ${MEDIA_TYPE.ociLayer}, or give the config its rootfs.diff_ids.`,
        },
      );
  }
}
