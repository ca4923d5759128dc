// qemu: x86_64 (q35) and aarch64 (virt) guests from kernel+initrd or a raw disk, KVM where a
// probe boot proves it works, TCG otherwise.
import { execa } from "execa";
import { stat } from "node:fs/promises";
import type { Arch } from "../../harness/arch.ts";
import { HarnessError } from "../../harness/errors.ts";
import type { BootRequest, BootedMachine, Platform, ProbeResult } from "../types.ts";
import { QEMU_BINARY, qemuCommandLine } from "./command-line.ts";
import { accelFor } from "./accel-probe.ts";
import { findOnPath } from "./binary.ts";
import { freePort } from "./ports.ts";
import { preflight } from "./preflight.ts";
import { socketFolder, startQemu } from "./machine.ts";
import { join } from "node:path";

export { QEMU_BINARY } from "./command-line.ts";

const PORT_RETRIES = 3;

async function emulatorVersion(binary: string, signal?: AbortSignal): Promise<string | undefined> {
  const result = await execa(binary, ["--version"], {
    reject: false,
    timeout: 10_000,
    ...(signal ? { cancelSignal: signal } : {}),
  });
  return result.exitCode === 0 ? result.stdout.split("\n")[0] : undefined;
}

async function boot(request: BootRequest): Promise<BootedMachine> {
  const binary = QEMU_BINARY[request.arch];
  if (!(await findOnPath(binary))) {
    throw new HarnessError(
      "ENOQEMU",
      `${binary} is not installed, so ${request.arch} guests cannot boot`,
      { hint: "run ./setup" },
    );
  }
  await preflight(request);
  const accel = await accelFor(request.arch, request.cacheDir, request.signal);
  for (let attempt = 1; ; attempt++) {
    const forwards = await Promise.all(
      (request.forwardPorts ?? []).map(async (guestPort) => ({
        guestPort,
        hostPort: await freePort(),
      })),
    );
    const socketDir = await socketFolder();
    const argv = qemuCommandLine({
      arch: request.arch,
      accelerator: accel.accelerator,
      image: request.image,
      memoryMiB: request.memoryMiB,
      cpus: request.cpus,
      disks: request.disks ?? [],
      forwards,
      ...(request.resultsChannel === false
        ? {}
        : { resultsSocket: join(socketDir, "results.sock") }),
    });
    const forwarded = new Map(
      forwards.map((f) => [f.guestPort, { host: "127.0.0.1", port: f.hostPort }]),
    );
    try {
      return await startQemu(
        argv,
        socketDir,
        request.stateDir,
        accel.accelerator,
        forwarded,
        request.resultsChannel !== false,
      );
    } catch (error) {
      if (
        !(error instanceof HarnessError) ||
        error.code !== "EPORTCONFLICT" ||
        attempt >= PORT_RETRIES
      )
        throw error;
    }
  }
}

/** The qemu platform. */
export const qemuPlatform: Platform = {
  name: "qemu",
  summary: "local qemu, KVM where it really works, TCG otherwise",
  arches: ["x86_64", "aarch64"],
  formats: ["kernel+initrd", "raw-bios", "iso-bios"],
  async probe({ signal, cacheDir }): Promise<ProbeResult> {
    const details: string[] = [];
    const arches: Arch[] = [];
    for (const arch of this.arches) {
      const version = await emulatorVersion(QEMU_BINARY[arch], signal);
      details.push(`${QEMU_BINARY[arch]}: ${version ?? "not found"}`);
      if (!version) continue;
      arches.push(arch);
      const accel = await accelFor(arch, cacheDir, signal);
      details.push(`${arch} accelerator: ${accel.accelerator} (${accel.reason})`);
    }
    for (const firmware of [
      "/usr/share/seabios/bios-256k.bin",
      "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd",
    ]) {
      details.push(
        `firmware ${firmware}: ${(await stat(firmware).catch(() => undefined)) ? "present" : "missing"}`,
      );
    }
    if (arches.length === 0)
      return {
        available: false,
        arches,
        details,
        reason: "no qemu-system binary found; run ./setup",
      };
    return { available: true, arches, details };
  },
  boot,
};
