// The qemu command line for a guest: machine and CPU per arch and accelerator, the console on
// stdio, the results channel on a virtio port, user networking with forwarded ports.
import type { Arch } from "../../harness/arch.ts";
import type { BootImage } from "../types.ts";

/** The qemu system emulator binary for each guest arch. */
export const QEMU_BINARY: Record<Arch, string> = {
  x86_64: "qemu-system-x86_64",
  aarch64: "qemu-system-aarch64",
};

/** The kernel console device for each arch's first serial port. */
export const CONSOLE_DEVICE: Record<Arch, string> = { x86_64: "ttyS0", aarch64: "ttyAMA0" };

/** Everything that shapes the command line. */
export interface CommandLineInput {
  arch: Arch;
  accelerator: "kvm" | "tcg";
  image: BootImage;
  memoryMiB: number;
  cpus: number;
  disks: readonly string[];
  forwards: readonly { hostPort: number; guestPort: number }[];
  /** Unix socket the results channel connects to; none means no results channel. */
  resultsSocket?: string;
  /** A file (a FIFO on remote runners) the results channel writes to instead of a socket. */
  resultsFile?: string;
}

/** The full argv, binary first. */
export function qemuCommandLine(input: CommandLineInput): string[] {
  const args = [QEMU_BINARY[input.arch], ...machineArgs(input.arch, input.accelerator)];
  args.push("-m", String(input.memoryMiB), "-smp", String(input.cpus));
  args.push(
    "-nodefaults",
    "-no-reboot",
    "-display",
    "none",
    "-monitor",
    "none",
    "-serial",
    "stdio",
  );
  if (input.image.disk) {
    args.push("-drive", `file=${input.image.disk},format=raw,if=virtio,snapshot=on`);
  } else {
    args.push("-kernel", input.image.kernel, "-initrd", input.image.initrd);
    args.push("-append", kernelCmdline(input.arch, input.image.cmdline));
  }
  input.disks.forEach((disk, i) =>
    args.push("-drive", `file=${disk},format=raw,if=virtio,id=disk${i}`),
  );
  const hostfwd = input.forwards
    .map((f) => `,hostfwd=tcp:127.0.0.1:${f.hostPort}-:${f.guestPort}`)
    .join("");
  // No option ROM: the NIC's iPXE ROM only matters for network boot, and SeaBIOS spends ~0.1 s of
  // every TCG boot loading it.
  args.push("-netdev", `user,id=net0${hostfwd}`, "-device", "virtio-net-pci,netdev=net0,romfile=");
  args.push("-device", "virtio-rng-pci");
  const results = input.resultsSocket
    ? `socket,id=results,path=${input.resultsSocket}`
    : input.resultsFile && `file,id=results,path=${input.resultsFile}`;
  if (results) {
    args.push("-chardev", results);
    // Two ports (0 is kept for a console), not the default 31: the guest sets up 6 virtqueues
    // instead of 64, ~50 ms of every TCG boot.
    args.push(
      "-device",
      "virtio-serial-pci,id=vserial0,max_ports=2",
      "-device",
      "virtserialport,bus=vserial0.0,chardev=results,name=harness.results",
    );
  }
  return args;
}

/** The kernel command line: the arch's console first, then the image's own, then a prompt panic. */
export function kernelCmdline(arch: Arch, imageCmdline: string): string {
  const console = /(^|\s)console=/.test(imageCmdline) ? "" : `console=${CONSOLE_DEVICE[arch]} `;
  const panic = /(^|\s)panic=/.test(imageCmdline) ? "" : " panic=-1";
  return `${console}${imageCmdline}${panic}`.trim();
}

/** Machine, accelerator and CPU options; the KVM probe uses the very same ones. */
export function machineArgs(arch: Arch, accelerator: "kvm" | "tcg"): string[] {
  if (arch === "x86_64")
    // Under TCG, qemu 7.2 emulates cmpxchg16b wrongly enough to crash 6.12 kernels at random; -cx16 avoids it.
    return [
      "-M",
      "q35",
      "-accel",
      accelerator,
      "-cpu",
      accelerator === "kvm" ? "host" : "max,-cx16",
    ];
  // pauth-impdef: the architected pointer-auth algorithm is slow to emulate, the implementation-defined one is not.
  return [
    "-M",
    "virt",
    "-accel",
    accelerator,
    "-cpu",
    accelerator === "kvm" ? "host" : "max,pauth-impdef=on",
  ];
}
