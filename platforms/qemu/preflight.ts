// Checks before qemu starts, so a cell with a bad request fails with a clear reason instead of a
// silent guest: image files present and of the guest's arch, memory the host can give, firmware.
import { open, stat } from "node:fs/promises";
import { totalmem } from "node:os";
import type { Arch } from "../../harness/arch.ts";
import { HarnessError } from "../../harness/errors.ts";
import type { BootRequest } from "../types.ts";

const SEABIOS = "/usr/share/seabios/bios-256k.bin";

/** Throws a HarnessError naming the problem when the request cannot boot here. */
export async function preflight(request: BootRequest): Promise<void> {
  const files = request.image.disk
    ? [request.image.disk]
    : [request.image.kernel, request.image.initrd];
  for (const file of files) {
    if (!(await stat(file).catch(() => undefined))) {
      throw new HarnessError("EIMAGEMISSING", `image file ${file} is missing`, {
        hint: "build the image first (harness build)",
      });
    }
  }
  if (!request.image.disk) {
    const arch = await kernelArch(request.image.kernel);
    if (arch && arch !== request.arch) {
      throw new HarnessError(
        "EIMAGEARCH",
        `kernel ${request.image.kernel} is for ${arch}, not ${request.arch}`,
        {
          hint: `build the image with --arch ${request.arch}`,
        },
      );
    }
  }
  const hostMiB = Math.floor(totalmem() / 2 ** 20);
  if (request.memoryMiB > hostMiB * 0.9) {
    throw new HarnessError(
      "EMEMORY",
      `the guest asks for ${request.memoryMiB} MiB but this host has ${hostMiB} MiB`,
      {
        hint: "lower memory: in case.yml",
      },
    );
  }
  if (request.arch === "x86_64" && !(await stat(SEABIOS).catch(() => undefined))) {
    throw new HarnessError("ENOFIRMWARE", `x86_64 guests need ${SEABIOS}, which is missing`, {
      hint: "apt-get install seabios (./setup installs qemu with it)",
    });
  }
}

// The x86 boot protocol puts "HdrS" at 0x202; the arm64 Image header puts "ARMd" at 0x38.
async function kernelArch(path: string): Promise<Arch | undefined> {
  const file = await open(path, "r");
  try {
    const header = Buffer.alloc(0x210);
    await file.read(header, 0, header.length, 0);
    if (header.toString("latin1", 0x202, 0x206) === "HdrS") return "x86_64";
    if (header.toString("latin1", 0x38, 0x3c) === "ARMd") return "aarch64";
    return undefined;
  } finally {
    await file.close();
  }
}
