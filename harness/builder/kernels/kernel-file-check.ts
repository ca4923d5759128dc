// `--kernel file:PATH` checked before anything starts: the file exists, is a regular file, can be
// read and starts like a kernel image a boot loader (or qemu's -kernel) takes, so a typo or the
// wrong file is a bad-input error at once instead of a failed build or a guest that never boots.
import { closeSync, openSync, readSync, readdirSync, statSync, type Stats } from "node:fs";
import { inputError, type HarnessError } from "../../errors.ts";

/** The prefix of a kernel spec that names a local file. */
export const FILE_KERNEL_PREFIX = "file:";

/** The kinds of kernel image recognised by their first bytes. */
export type KernelImageKind =
  | "x86_64 bzImage"
  | "arm64 Image"
  | "gzip-compressed kernel"
  | "zstd-compressed kernel"
  | "EFI zboot kernel";

/** Bytes read to tell the kind: enough for the bzImage header at 0x202. */
const HEAD_BYTES = 0x210;
const FORMATS =
  'an x86 bzImage ("HdrS" at 0x202), an arm64 Image ("ARM\\x64" at 0x38), or a gzip- or ' +
  "zstd-compressed Image such as Debian's arm64 vmlinuz";
const KERNEL_NAME = /^(vmlinuz|bzImage|Image)/;

/** The kind of kernel image at `path`; throws EKERNELFILE saying what is wrong with it otherwise. */
export function checkKernelFile(path: string): KernelImageKind {
  const info = statOrThrow(path);
  if (info.isDirectory()) throw folderError(path);
  if (!info.isFile())
    throw kernelFileError(
      `kernel file ${path} is not a regular file`,
      `pass a kernel binary: ${FORMATS}`,
    );
  const head = readHead(path);
  const kind = imageKind(head);
  if (kind) return kind;
  throw kernelFileError(
    `kernel file ${path} is not a kernel image: ${lookalike(head)}`,
    `pass ${FORMATS}`,
  );
}

/** What the first bytes say the file is, when they are a kernel image's. */
export function imageKind(head: Buffer): KernelImageKind | undefined {
  const at = (offset: number, magic: string) =>
    head.length >= offset + magic.length &&
    head.toString("latin1", offset, offset + magic.length) === magic;
  if (at(0x202, "HdrS")) return "x86_64 bzImage";
  if (at(0x38, "ARMd")) return "arm64 Image";
  if (at(0, "\x1f\x8b")) return "gzip-compressed kernel";
  if (at(0, "\x28\xb5\x2f\xfd")) return "zstd-compressed kernel";
  // arm64's CONFIG_EFI_ZBOOT: a PE file whose header says "zimg" and carries the compressed Image.
  if (at(0, "MZ") && at(4, "zimg")) return "EFI zboot kernel";
  return undefined;
}

function statOrThrow(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw accessError(path, error);
  }
}

function readHead(path: string): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const head = Buffer.alloc(HEAD_BYTES);
    return head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0));
  } catch (error) {
    throw accessError(path, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function accessError(path: string, error: unknown): HarnessError {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (code === "ENOENT" || code === "ENOTDIR")
    return kernelFileError(`kernel file ${path} does not exist`, {
      hint: "check the path (a relative one starts from the current folder); --kernel file:PATH takes a kernel binary (vmlinuz, bzImage or Image)",
      cause: error,
    });
  return kernelFileError(`kernel file ${path} cannot be read (${code || String(error)})`, {
    hint: "check the permissions of the file and of its folders (chmod a+r), or copy the kernel somewhere readable",
    cause: error,
  });
}

function folderError(path: string): HarnessError {
  const inside = kernelsInside(path);
  const hint =
    inside.length > 0
      ? `name the kernel inside it: ${inside.map((name) => `--kernel file:${path}/${name}`).join(" or ")}`
      : `name a kernel binary file (vmlinuz, bzImage or Image), not a folder; ${path} holds none`;
  return kernelFileError(`kernel file ${path} is a folder`, hint);
}

function kernelsInside(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((entry) => !entry.isDirectory() && KERNEL_NAME.test(entry.name))
      .map((entry) => entry.name)
      .sort()
      .slice(0, 3);
  } catch {
    return [];
  }
}

// A few common wrong files named, so the message says more than "no".
function lookalike(head: Buffer): string {
  if (head.length === 0) return "the file is empty";
  if (head.toString("latin1", 0, 4) === "\x7fELF")
    return "an ELF file (an uncompressed vmlinux, or a program), not a bootable image";
  if (head.toString("latin1", 0, 6) === "070701") return "a cpio archive (an initrd?)";
  if (looksLikeText(head)) return "a text file";
  if (head.length < HEAD_BYTES) return `only ${head.length} bytes, too short for a kernel header`;
  return `it starts with ${head.subarray(0, 8).toString("hex")}, which no kernel format does`;
}

function kernelFileError(
  message: string,
  details: string | { hint: string; cause: unknown },
): HarnessError {
  return inputError(
    "EKERNELFILE",
    message,
    typeof details === "string" ? { hint: details } : details,
  );
}

// UTF-8 without control characters (a character cut at the end of the read is allowed).
function looksLikeText(head: Buffer): boolean {
  const text = head.toString("utf8").replace(/\ufffd$/, "");
  // eslint-disable-next-line no-control-regex -- control characters are what text lacks.
  return !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]/.test(text);
}
