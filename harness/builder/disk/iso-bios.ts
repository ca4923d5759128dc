// A BIOS-bootable hybrid ISO from kernel + initrd, with isolinux and xorriso from Debian.
import { copyFile, mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { syslinuxConfig, type DiskInputs } from "./raw-bios.ts";

const ISOLINUX = "/usr/lib/ISOLINUX/isolinux.bin";
const LDLINUX = "/usr/lib/syslinux/modules/bios/ldlinux.c32";
const HYBRID_MBR = "/usr/lib/ISOLINUX/isohdpfx.bin";
const FIXED_TIME = new Date("1980-01-01T00:00:00Z");

/** Writes a hybrid ISO (bootable as CD or disk) at `output`; the same inputs give the same bytes. */
export async function writeIsoBios(
  inputs: DiskInputs,
  output: string,
  work: string,
): Promise<void> {
  const tree = join(work, "iso");
  await mkdir(join(tree, "isolinux"), { recursive: true });
  await copyFile(inputs.kernel, join(tree, "kernel"));
  await copyFile(inputs.initrd, join(tree, "initrd.img"));
  await copyFile(ISOLINUX, join(tree, "isolinux", "isolinux.bin"));
  await copyFile(LDLINUX, join(tree, "isolinux", "ldlinux.c32"));
  const config = syslinuxConfig(inputs.cmdline);
  await writeFile(join(tree, "isolinux", "isolinux.cfg"), config);
  for (const file of [
    "kernel",
    "initrd.img",
    "isolinux/isolinux.bin",
    "isolinux/ldlinux.c32",
    "isolinux/isolinux.cfg",
    "isolinux",
    ".",
  ]) {
    await utimes(join(tree, file), FIXED_TIME, FIXED_TIME);
  }
  await execa(
    "xorriso",
    [
      "-as",
      "mkisofs",
      "-quiet",
      "-o",
      output,
      "-V",
      "HARNESS",
      "-isohybrid-mbr",
      HYBRID_MBR,
      "-b",
      "isolinux/isolinux.bin",
      "-c",
      "isolinux/boot.cat",
      "-no-emul-boot",
      "-boot-load-size",
      "4",
      "-boot-info-table",
      tree,
    ],
    { env: { SOURCE_DATE_EPOCH: "315532800" } },
  );
}
