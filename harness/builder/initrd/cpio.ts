// A reproducible newc cpio writer: sorted entries, zero timestamps, numbered inodes. The archive is
// left uncompressed: under TCG the kernel inflating a gzip'd initrd costs ~0.2 s of every boot,
// more than reading the bigger file costs qemu, and every kernel takes an uncompressed initramfs.
import { createReadStream, createWriteStream } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";

/** An entry that does not exist on disk, such as /dev/console. */
export interface SyntheticEntry {
  path: string;
  mode: number;
  rdevMajor?: number;
  rdevMinor?: number;
  data?: string;
}

const S_IFCHR = 0o020000;

/** A character device entry. */
export function charDevice(
  path: string,
  major: number,
  minor: number,
  permissions = 0o600,
): SyntheticEntry {
  return { path, mode: S_IFCHR | permissions, rdevMajor: major, rdevMinor: minor };
}

/** Writes `root` (and the synthetic entries) as an uncompressed newc archive at `output`. */
export async function writeCpio(
  root: string,
  output: string,
  extra: readonly SyntheticEntry[] = [],
): Promise<void> {
  await pipeline(cpioStream(root, extra), createWriteStream(output));
}

async function* cpioStream(root: string, extra: readonly SyntheticEntry[]): AsyncGenerator<Buffer> {
  let inode = 1;
  const synthetic = new Map(extra.map((e) => [e.path.replace(/^\//, ""), e]));
  for await (const path of walk(root, "")) {
    synthetic.delete(path);
    const info = await lstat(join(root, path));
    if (info.isSymbolicLink()) {
      const target = Buffer.from(await readlink(join(root, path)));
      yield header(path, {
        ino: inode++,
        mode: info.mode,
        uid: info.uid,
        gid: info.gid,
        size: target.length,
      });
      yield padded(target);
    } else if (info.isFile()) {
      yield header(path, {
        ino: inode++,
        mode: info.mode,
        uid: info.uid,
        gid: info.gid,
        size: info.size,
      });
      yield* fileData(join(root, path), info.size);
    } else if (info.isDirectory()) {
      yield header(path, { ino: inode++, mode: info.mode, uid: info.uid, gid: info.gid, size: 0 });
    }
  }
  for (const [path, entry] of [...synthetic].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const data = Buffer.from(entry.data ?? "");
    yield header(path, {
      ino: inode++,
      mode: entry.mode,
      uid: 0,
      gid: 0,
      size: data.length,
      rdevMajor: entry.rdevMajor ?? 0,
      rdevMinor: entry.rdevMinor ?? 0,
    });
    yield padded(data);
  }
  yield header("TRAILER!!!", { ino: 0, mode: 0, uid: 0, gid: 0, size: 0 });
}

// Depth-first in byte order of names, parents before children, so the same tree gives the same bytes.
async function* walk(root: string, prefix: string): AsyncGenerator<string> {
  const entries = (await readdir(join(root, prefix), { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    yield path;
    if (entry.isDirectory()) yield* walk(root, path);
  }
}

async function* fileData(path: string, size: number): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path) as Readable & AsyncIterable<Buffer>) yield chunk;
  const pad = (4 - (size % 4)) % 4;
  if (pad) yield Buffer.alloc(pad);
}

interface HeaderFields {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  rdevMajor?: number;
  rdevMinor?: number;
}

function header(name: string, f: HeaderFields): Buffer {
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [
    f.ino,
    f.mode,
    f.uid,
    f.gid,
    1,
    0,
    f.size,
    0,
    0,
    f.rdevMajor ?? 0,
    f.rdevMinor ?? 0,
    nameBytes.length,
    0,
  ];
  const head = Buffer.from(`070701${fields.map(hex).join("")}`, "ascii");
  return padded(Buffer.concat([head, nameBytes]));
}

function padded(data: Buffer): Buffer {
  const pad = (4 - (data.length % 4)) % 4;
  return pad ? Buffer.concat([data, Buffer.alloc(pad)]) : data;
}
