// The reference every boot is measured against: qemu started by hand, with the argv the qemu
// platform would use for the same kernel, initrd and command line, minus the harness's results
// channel, and nothing else around it.
import { execa } from "execa";
import { qemuCommandLine } from "../../platforms/qemu/command-line.ts";
import { timed } from "./measure.ts";

/** A kernel+initrd image on disk, with the image's own kernel command line. */
export interface RawImage {
  kernel: string;
  initrd: string;
  cmdline: string;
}

/** The raw qemu argv for `image`: the platform's own options, no results channel. */
export function rawQemuArgv(image: RawImage): string[] {
  return qemuCommandLine({
    arch: "x86_64",
    accelerator: "tcg",
    image,
    memoryMiB: 512,
    cpus: 1,
    disks: [],
    forwards: [],
  });
}

/** Boots `argv` to its poweroff and returns the wall time in ms; a guest that does not power off cleanly throws. */
export async function rawQemu(argv: readonly string[]): Promise<number> {
  const [binary = "", ...args] = argv;
  const { ms, value } = await timed(() =>
    execa(binary, args, { reject: false, stdin: "ignore", timeout: 120_000 }),
  );
  if (!String(value.stdout).includes("reboot: Power down"))
    throw new Error(`raw qemu did not power off cleanly:\n${String(value.stdout).slice(-800)}`);
  return ms;
}

/** The same argv as qemu was given before the boot was tuned: the NIC's option ROM loaded. */
export function untunedQemuArgv(image: RawImage): string[] {
  return rawQemuArgv(image).map((arg) => arg.replace(/,romfile=$/, ""));
}
