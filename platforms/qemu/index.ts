// qemu: x86_64 (q35/microvm) and aarch64 (virt) guests from kernel+initrd or disk images.
import { execa } from "execa";
import type { Arch } from "../../harness/cases/types.ts";
import type { Platform, ProbeResult } from "../types.ts";

/** The qemu system emulator binary for each guest arch. */
export const QEMU_BINARY: Record<Arch, string> = {
  x86_64: "qemu-system-x86_64",
  aarch64: "qemu-system-aarch64",
};

async function emulatorVersion(binary: string, signal?: AbortSignal): Promise<string | undefined> {
  const result = await execa(binary, ["--version"], {
    reject: false,
    timeout: 10_000,
    ...(signal ? { cancelSignal: signal } : {}),
  });
  return result.exitCode === 0 ? result.stdout.split("\n")[0] : undefined;
}

/** The qemu platform. */
export const qemuPlatform: Platform = {
  name: "qemu",
  summary: "local qemu, KVM where it really works, TCG otherwise",
  arches: ["x86_64", "aarch64"],
  formats: ["kernel+initrd", "raw-bios", "raw-efi", "iso-efi"],
  async probe({ signal }): Promise<ProbeResult> {
    const details: string[] = [];
    const arches: Arch[] = [];
    for (const arch of this.arches) {
      const version = await emulatorVersion(QEMU_BINARY[arch], signal);
      details.push(`${QEMU_BINARY[arch]}: ${version ?? "not found"}`);
      if (version) arches.push(arch);
    }
    if (arches.length === 0) {
      return {
        available: false,
        arches,
        details,
        reason: "no qemu-system binary found; run ./setup",
      };
    }
    return { available: true, arches, details };
  },
};
