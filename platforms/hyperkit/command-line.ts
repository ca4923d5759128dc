// The hyperkit command line for a guest, as LinuxKit's hyperkit backend builds it: kexec of
// kernel+initrd, ACPI, a PCI slot per device, the console on com1 and the results on com2, both
// as ptys whose names hyperkit writes into the per-cell state folder.
import { join } from "node:path";
import type { Arch } from "../../harness/arch.ts";
import { HarnessError } from "../../harness/errors.ts";
import type { BootImage } from "../types.ts";

/** hyperkit runs x86_64 guests only (it is built on Hypervisor.framework for Intel Macs). */
export const HYPERKIT_ARCHES: readonly Arch[] = ["x86_64"];

/** The guest device of the results port: com2 is the kernel's second 8250 port. */
export const RESULTS_DEVICE = "ttyS1";

/** How the guest's first NIC reaches the network. */
export type HyperkitNetwork =
  { mode: "vpnkit"; socket: string; uuid: string } | { mode: "vmnet" } | { mode: "none" };

/** Everything that shapes the command line. */
export interface HyperkitInput {
  binary: string;
  arch: Arch;
  image: BootImage;
  memoryMiB: number;
  cpus: number;
  disks: readonly string[];
  network: HyperkitNetwork;
  /** The per-cell folder for the pidfile, the pty name files and the console ring. */
  stateDir: string;
  /** The guest's DMI UUID (/sys/class/dmi/id/product_uuid). */
  uuid: string;
  /** Whether com2 carries the results; otherwise they share the console with a marker. */
  resultsPort: boolean;
}

/** Files hyperkit writes into the state folder. */
export function stateFiles(stateDir: string) {
  return {
    pidfile: join(stateDir, "hyperkit.pid"),
    consoleTty: join(stateDir, "tty1"),
    resultsTty: join(stateDir, "tty2"),
    consoleRing: join(stateDir, "console-ring"),
  };
}

/** The full argv, binary first; throws for what hyperkit cannot be told. */
export function hyperkitCommandLine(input: HyperkitInput): string[] {
  checkArch(input.arch);
  if (input.image.disk) {
    throw new HarnessError(
      "EHYPERKITFORMAT",
      `hyperkit boots kernel+initrd, not the disk ${input.image.disk}`,
      {
        hint: "build the image as kernel+initrd (the default format)",
      },
    );
  }
  const files = stateFiles(input.stateDir);
  const args = [input.binary, "-A", "-u", "-F", noComma(files.pidfile, "pidfile")];
  args.push("-c", String(input.cpus), "-m", `${input.memoryMiB}M`);
  args.push("-s", "0:0,hostbridge", "-s", "31,lpc");
  const slots = [...networkDevices(input.network)];
  for (const disk of input.disks) slots.push(`virtio-blk,${noComma(disk, "disk")}`);
  slots.push("virtio-rnd");
  // Slot 0 is the host bridge and 31 the LPC bridge, so devices take 1 to 30.
  if (slots.length > 30) {
    throw new HarnessError(
      "EHYPERKITSLOTS",
      `${slots.length} PCI devices do not fit hyperkit's 30 free slots`,
      {
        hint: "attach fewer disks (disks: in case.yml)",
      },
    );
  }
  slots.forEach((device, i) => args.push("-s", `${i + 1}:0,${device}`));
  const consoleRing = noComma(files.consoleRing, "state folder");
  args.push("-l", `com1,autopty=${noComma(files.consoleTty, "state folder")},log=${consoleRing}`);
  if (input.resultsPort)
    args.push("-l", `com2,autopty=${noComma(files.resultsTty, "state folder")}`);
  args.push("-U", input.uuid);
  const kernel = noComma(input.image.kernel, "kernel");
  const initrd = noComma(input.image.initrd, "initrd");
  // The kernel command line is the last field, so it may itself hold commas.
  args.push(
    "-f",
    `kexec,${kernel},${initrd},${kernelCmdline(input.image.cmdline, input.resultsPort)}`,
  );
  return args;
}

/** Throws for a guest arch hyperkit cannot run. */
export function checkArch(arch: Arch): void {
  if (HYPERKIT_ARCHES.includes(arch)) return;
  throw new HarnessError("EHYPERKITARCH", `hyperkit cannot run ${arch} guests`, {
    hint: `hyperkit takes ${HYPERKIT_ARCHES.join(", ")} only; run ${arch} cells on qemu`,
  });
}

/** The kernel command line: early output and the console on com1, the results port, a prompt panic. */
export function kernelCmdline(imageCmdline: string, resultsPort: boolean): string {
  // The port named: x86's earlyprintk parser reads on past a bare "serial" into the parameters
  // after it, and would take harness.results=ttyS1 as its port, putting boot messages on com2.
  const parts = ["earlyprintk=serial,ttyS0"];
  if (!/(^|\s)console=/.test(imageCmdline)) parts.push("console=ttyS0");
  parts.push(imageCmdline.trim());
  if (resultsPort) parts.push(`harness.results=${RESULTS_DEVICE}`);
  if (!/(^|\s)panic=/.test(imageCmdline)) parts.push("panic=-1");
  return parts.filter((part) => part !== "").join(" ");
}

function networkDevices(network: HyperkitNetwork): string[] {
  if (network.mode === "vpnkit")
    return [`virtio-vpnkit,path=${noComma(network.socket, "vpnkit socket")},uuid=${network.uuid}`];
  if (network.mode === "vmnet") return ["virtio-net"];
  return [];
}

// hyperkit splits every option at commas, so a comma inside a path would cut it short.
function noComma(path: string, what: string): string {
  if (!path.includes(",")) return path;
  throw new HarnessError(
    "EHYPERKITPATH",
    `the ${what} path ${JSON.stringify(path)} contains a comma`,
    {
      hint: "hyperkit separates its options with commas; move it to a path without one",
    },
  );
}

/** The argv as one shell line, quoted where needed, for the command file kept in the cell folder. */
export function shellLine(argv: readonly string[]): string {
  return argv
    .map((arg) => (/^[A-Za-z0-9_./:=,@+%-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
    .join(" ");
}
