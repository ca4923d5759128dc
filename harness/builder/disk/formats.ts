// The image formats `harness build --format` writes, and which arches each boots on.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { Arch } from "../../arch.ts";
import { inputError } from "../../errors.ts";
import { choicesHint } from "../../util/suggest.ts";
import { withFileLock } from "../../util/file-lock.ts";
import { writeRawBiosDisk, writeGcpTarball } from "./raw-bios.ts";
import { writeIsoBios } from "./iso-bios.ts";
import { rm } from "node:fs/promises";

/** One output format: the file it writes in a build folder, the arches it supports. */
export interface FormatSpec {
  name: string;
  /** File name inside the build's cache folder. */
  file: string;
  /** Suffix after NAME in the output folder, as LinuxKit names its outputs. */
  output: string;
  arches: readonly Arch[];
}

/** Every format, kernel+initrd first (all others are made from it). */
export const FORMATS: readonly FormatSpec[] = [
  {
    name: "kernel+initrd",
    file: "initrd.img",
    output: "-initrd.img",
    arches: ["x86_64", "aarch64"],
  },
  { name: "raw-bios", file: "disk.raw", output: "-bios.img", arches: ["x86_64"] },
  { name: "gcp", file: "gcp.img.tar.gz", output: ".img.tar.gz", arches: ["x86_64"] },
  { name: "iso-bios", file: "bios.iso", output: ".iso", arches: ["x86_64"] },
];

/** The format called `name` for `arch`; unknown names and unsupported arches are bad input. */
export function findFormat(name: string, arch: Arch): FormatSpec {
  const format = FORMATS.find((f) => f.name === name);
  if (!format)
    throw inputError("EFORMAT", `unknown --format ${JSON.stringify(name)}`, {
      hint: choicesHint(
        name,
        FORMATS.map((f) => f.name),
      ),
    });
  if (!format.arches.includes(arch)) {
    throw inputError("EFORMAT", `--format ${name} does not boot on ${arch}`, {
      hint: `${name} is for ${format.arches.join(", ")}; use kernel+initrd for ${arch}`,
    });
  }
  return format;
}

/** Makes `format` inside the build folder `dir` (which holds kernel, initrd.img, cmdline) unless it is there. */
export async function ensureFormat(
  dir: string,
  format: FormatSpec,
  cmdline: string,
): Promise<void> {
  if (await stat(join(dir, format.file)).catch(() => undefined)) return;
  await withFileLock(join(dir, format.file), async () => {
    if (await stat(join(dir, format.file)).catch(() => undefined)) return;
    const inputs = { kernel: join(dir, "kernel"), initrd: join(dir, "initrd.img"), cmdline };
    const work = join(dir, `.work-${format.name}-${process.pid}`);
    try {
      if (format.name === "raw-bios") await writeRawBiosDisk(inputs, join(dir, format.file), work);
      if (format.name === "iso-bios") await writeIsoBios(inputs, join(dir, format.file), work);
      if (format.name === "gcp") {
        // Compute Engine's serial port 2 is ttyS1: the harness init sends results there.
        const disk = join(work, "gcp-disk.raw");
        await writeRawBiosDisk(
          { ...inputs, cmdline: `${cmdline} harness.results=ttyS1`.trim() },
          disk,
          join(work, "raw"),
        );
        await writeGcpTarball(disk, join(dir, format.file), work);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
}
