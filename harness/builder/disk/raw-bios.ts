// A BIOS-bootable raw disk from kernel + initrd without loop devices or mounts: a FAT partition
// written with mtools, syslinux installed into it, an MBR from Debian's syslinux packages.
import { mkdir, rm, stat, utimes, writeFile, copyFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { HarnessError } from "../../errors.ts";

const MBR = "/usr/lib/syslinux/mbr/mbr.bin";
const SECTOR = 512;
const PARTITION_START_SECTORS = 2048;
/** FAT timestamps start in 1980; every file gets this one so disks are reproducible. */
const FIXED_TIME = new Date("1980-01-01T00:00:00Z");

/** The pieces a raw disk boots. */
export interface DiskInputs {
  kernel: string;
  initrd: string;
  cmdline: string;
}

/** Writes `output` (a raw disk image of `sizeBytes`, sparse) that SeaBIOS-style firmware boots. */
export async function writeRawBiosDisk(
  inputs: DiskInputs,
  output: string,
  work: string,
  sizeBytes?: number,
): Promise<void> {
  await requireTools();
  await mkdir(work, { recursive: true });
  const files = join(work, "files");
  await mkdir(files, { recursive: true });
  await copyFile(inputs.kernel, join(files, "kernel"));
  await copyFile(inputs.initrd, join(files, "initrd.img"));
  await writeFile(join(files, "syslinux.cfg"), syslinuxConfig(inputs.cmdline));
  for (const name of ["kernel", "initrd.img", "syslinux.cfg"])
    await utimes(join(files, name), FIXED_TIME, FIXED_TIME);
  const payload = (await stat(inputs.kernel)).size + (await stat(inputs.initrd)).size;
  const fatKiB = Math.ceil((payload * 1.1 + 8 * 1024 * 1024) / 1024 / 1024) * 1024;
  const fat = join(work, "fat.img");
  await rm(fat, { force: true });
  const env = { SOURCE_DATE_EPOCH: "315532800", MTOOLS_SKIP_CHECK: "1" };
  await execa(
    "mkfs.vfat",
    ["--invariant", "-i", "48415253", "-n", "HARNESS", "-C", fat, String(fatKiB)],
    { env },
  );
  await execa("syslinux", ["--install", fat], { env });
  await execa(
    "mcopy",
    [
      "-m",
      "-i",
      fat,
      join(files, "kernel"),
      join(files, "initrd.img"),
      join(files, "syslinux.cfg"),
      "::/",
    ],
    { env },
  );
  const diskBytes = Math.max(sizeBytes ?? 0, PARTITION_START_SECTORS * SECTOR + fatKiB * 1024);
  await rm(output, { force: true });
  await execa("truncate", ["-s", String(diskBytes), output]);
  await execa("dd", [`if=${MBR}`, `of=${output}`, "conv=notrunc", "status=none"]);
  const partition = `label: dos\nlabel-id: 0x48415253\nstart=${PARTITION_START_SECTORS}, size=${(fatKiB * 1024) / SECTOR}, type=c, bootable\n`;
  await execa("sfdisk", ["--no-reread", "--no-tell-kernel", "-q", output], { input: partition });
  await execa("dd", [
    `if=${fat}`,
    `of=${output}`,
    `bs=${SECTOR}`,
    `seek=${PARTITION_START_SECTORS}`,
    "conv=notrunc,sparse",
    "status=none",
  ]);
}

/** Packs a raw disk as GCP wants it: disk.raw inside a gzip'd oldgnu tar, size rounded up to whole GiB. */
export async function writeGcpTarball(
  rawDisk: string,
  output: string,
  work: string,
): Promise<void> {
  await mkdir(work, { recursive: true });
  const disk = join(work, "disk.raw");
  await copyFile(rawDisk, disk);
  const gib = 1024 ** 3;
  const size = (await stat(disk)).size;
  await execa("truncate", ["-s", String(Math.ceil(size / gib) * gib), disk]);
  await utimes(disk, FIXED_TIME, FIXED_TIME);
  await execa("sh", [
    "-c",
    'tar --format=oldgnu --sort=name --owner=0 --group=0 --numeric-owner --mtime=@315532800 -S -cf - -C "$1" disk.raw | gzip -n -6 > "$2"',
    "sh",
    work,
    output,
  ]);
}

/** The syslinux/isolinux configuration that boots /kernel and /initrd.img with the console on ttyS0. */
export function syslinuxConfig(cmdline: string): string {
  return [
    "DEFAULT linux",
    "PROMPT 0",
    "TIMEOUT 0",
    "LABEL linux",
    "  KERNEL /kernel",
    "  INITRD /initrd.img",
    `  APPEND console=ttyS0 ${cmdline}`.trimEnd(),
    "",
  ].join("\n");
}

async function requireTools(): Promise<void> {
  for (const [tool, pkg] of [
    ["mkfs.vfat", "dosfstools"],
    ["syslinux", "syslinux"],
    ["mcopy", "mtools"],
    ["sfdisk", "fdisk"],
  ] as const) {
    const found = await execa("sh", ["-c", `command -v ${tool}`], { reject: false });
    if (found.exitCode !== 0) {
      throw new HarnessError(
        "ETOOL",
        `${tool} is needed to write a raw disk and is not installed`,
        { hint: `apt-get install ${pkg} (./setup installs it)` },
      );
    }
  }
  if (!(await stat(MBR).catch(() => undefined))) {
    throw new HarnessError("ETOOL", `${MBR} is missing`, {
      hint: "apt-get install syslinux-common (./setup installs it)",
    });
  }
}
