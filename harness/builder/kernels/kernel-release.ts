// What a kernel binary says about itself: the release `uname -r` will print and the CPU it is for.
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import type { Arch } from "../../arch.ts";

/** What could be read from a kernel file; fields stay unset when the format does not tell. */
export interface KernelFileFacts {
  release?: string;
  arch?: Arch;
}

const BANNER = Buffer.from("Linux version ");

/** Reads the release and arch of an x86 bzImage or an arm64 Image (plain or gzip'd). */
export async function inspectKernelFile(path: string): Promise<KernelFileFacts> {
  const data = await readFile(path);
  const release = bzImageRelease(data) ?? bannerRelease(data) ?? bannerRelease(gunzipped(data));
  const arch = kernelArch(data);
  return { ...(release ? { release } : {}), ...(arch ? { arch } : {}) };
}

// The x86 boot protocol puts "HdrS" at 0x202; arm64's Image header puts "ARM\x64" at 0x38.
function kernelArch(data: Buffer): Arch | undefined {
  if (data.length > 0x206 && data.toString("latin1", 0x202, 0x206) === "HdrS") return "x86_64";
  if (data.length > 0x3c && data.toString("latin1", 0x38, 0x3c) === "ARMd") return "aarch64";
  return undefined;
}

// A bzImage's header points at its version string (offset at 0x20e, counted from 0x200).
function bzImageRelease(data: Buffer): string | undefined {
  if (kernelArch(data) !== "x86_64" || data.length < 0x210) return undefined;
  const start = data.readUInt16LE(0x20e) + 0x200;
  const end = data.indexOf(0, start);
  if (start >= data.length || end < 0) return undefined;
  return firstWord(data.toString("latin1", start, end));
}

// Other images carry the kernel's banner "Linux version RELEASE (builder) #1 …" uncompressed.
function bannerRelease(data: Buffer | undefined): string | undefined {
  const at = data?.indexOf(BANNER) ?? -1;
  if (!data || at < 0) return undefined;
  return firstWord(data.toString("latin1", at + BANNER.length, at + BANNER.length + 128));
}

function gunzipped(data: Buffer): Buffer | undefined {
  if (data[0] !== 0x1f || data[1] !== 0x8b) return undefined;
  try {
    return gunzipSync(data);
  } catch {
    // Not one whole gzip stream after all: the release stays unknown.
    return undefined;
  }
}

function firstWord(text: string): string | undefined {
  const word = /^[^\s\0]+/.exec(text)?.[0];
  return word && /^\d/.test(word) ? word : undefined;
}
