// OCI layers as GNU tar archives: written reproducibly (sorted, zero times, root owner), unpacked with whiteouts.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { join, dirname, basename } from "node:path";
import { createGzip } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { execa } from "execa";

/** The digests an image config and manifest need for one layer. */
export interface LayerFile {
  path: string;
  /** sha256 of the uncompressed tar (the config's diff_id). */
  diffId: string;
}

const REPRODUCIBLE_TAR = [
  "--sort=name",
  "--mtime=@0",
  "--owner=0",
  "--group=0",
  "--numeric-owner",
  "--format=posix",
  "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
];

/** Archives `dir` as a gzip'd tar at `output`; the same tree always gives the same bytes. */
export async function writeLayer(
  dir: string,
  output: string,
  signal?: AbortSignal,
): Promise<LayerFile> {
  const tar = execa("tar", [...REPRODUCIBLE_TAR, "-cf", "-", "-C", dir, "."], {
    buffer: false,
    encoding: "buffer",
    ...(signal ? { cancelSignal: signal } : {}),
  });
  const hash = createHash("sha256");
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await Promise.all([
    pipeline(tar.stdout, tap, createGzip({ level: 6 }), createWriteStream(output)),
    tar,
  ]);
  return { path: output, diffId: `sha256:${hash.digest("hex")}` };
}

/** Unpacks layers in order into `dir`, applying OCI whiteouts (.wh.NAME and .wh..wh..opq). */
export async function unpackLayers(
  layers: readonly string[],
  dir: string,
  signal?: AbortSignal,
): Promise<void> {
  const options = signal ? { cancelSignal: signal } : {};
  for (const layer of layers) {
    const listing = await execa("tar", ["-tzf", layer], {
      ...options,
      maxBuffer: 256 * 1024 * 1024,
    });
    for (const entry of listing.stdout.split("\n")) {
      const name = basename(entry);
      if (!name.startsWith(".wh.")) continue;
      const parent = join(dir, dirname(entry));
      if (name === ".wh..wh..opq") {
        for (const child of await readdir(parent).catch(() => [] as string[]))
          await rm(join(parent, child), { recursive: true, force: true });
      } else {
        await rm(join(parent, name.slice(4)), { recursive: true, force: true });
      }
    }
    await execa(
      "tar",
      ["-xzf", layer, "-C", dir, "--numeric-owner", "--same-permissions", "--exclude=.wh.*"],
      options,
    );
  }
}
