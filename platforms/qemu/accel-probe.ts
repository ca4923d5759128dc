// Whether KVM really works here, decided by booting a tiny guest with it, not by /dev/kvm existing.
// The verdict is cached per host (qemu version, kernel, device) so the probe runs once.
import { access, constants, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { arch as hostArch, release } from "node:os";
import { execa } from "execa";
import type { Arch } from "../../harness/arch.ts";
import { binaryIdentity } from "./binary.ts";
import { machineArgs } from "./command-line.ts";
import { diesWithHarness } from "./parent-death.ts";

/** The accelerator a guest of an arch gets on this host, and why. */
export interface AccelVerdict {
  accelerator: "kvm" | "tcg";
  reason: string;
}

const PROBE_TIMEOUT_MS = 8_000;

/** A 512-byte boot sector that writes "KVM-OK" to COM1 and halts. */
export function probeBootSector(): Buffer {
  const code = [0xba, 0xf8, 0x03]; // mov dx, 0x3f8
  for (const char of "KVM-OK\n") code.push(0xb0, char.charCodeAt(0), 0xee); // mov al, c; out dx, al
  code.push(0xf4, 0xeb, 0xfd); // hlt; jmp back to hlt
  const sector = Buffer.alloc(512);
  Buffer.from(code).copy(sector);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

/** The accelerator for guests of `arch`: KVM only for the host's own arch and only when a probe boot works. */
export async function accelFor(
  arch: Arch,
  cacheDir: string,
  signal?: AbortSignal,
): Promise<AccelVerdict> {
  const native =
    (hostArch() === "x64" && arch === "x86_64") || (hostArch() === "arm64" && arch === "aarch64");
  if (!native)
    return { accelerator: "tcg", reason: `${arch} guests on a ${hostArch()} host are emulated` };
  const usable = await access("/dev/kvm", constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!usable) return { accelerator: "tcg", reason: "/dev/kvm is missing or not accessible" };
  const file = join(cacheDir, "accel", `${arch}.json`);
  const key = await hostKey(arch);
  const cached = JSON.parse(await readFile(file, "utf8").catch(() => "{}")) as {
    key?: string;
    verdict?: AccelVerdict;
  };
  if (cached.key === key && cached.verdict) return cached.verdict;
  const verdict = await probeKvm(arch, cacheDir, signal);
  await mkdir(join(cacheDir, "accel"), { recursive: true });
  await writeFile(file, JSON.stringify({ key, verdict }));
  return verdict;
}

async function probeKvm(arch: Arch, cacheDir: string, signal?: AbortSignal): Promise<AccelVerdict> {
  if (arch !== "x86_64")
    return { accelerator: "tcg", reason: "KVM probe exists for x86_64 hosts only" };
  const image = join(cacheDir, "accel", "probe.img");
  await mkdir(join(cacheDir, "accel"), { recursive: true });
  await writeFile(image, probeBootSector());
  // The probe guest halts and waits for the timeout: a killed harness must not leave it halted forever.
  const [binary = "", ...args] = await diesWithHarness([
    "qemu-system-x86_64",
    ...machineArgs("x86_64", "kvm"),
    "-m",
    "64",
    "-nodefaults",
    "-display",
    "none",
    "-monitor",
    "none",
    "-serial",
    "stdio",
    "-no-reboot",
    "-drive",
    `file=${image},format=raw,if=ide`,
  ]);
  const result = await execa(binary, args, {
    reject: false,
    timeout: PROBE_TIMEOUT_MS,
    ...(signal ? { cancelSignal: signal } : {}),
    all: true,
    buffer: true,
    stdin: "ignore",
  });
  const output = String(result.all);
  if (output.includes("KVM-OK"))
    return { accelerator: "kvm", reason: "a probe guest booted with KVM" };
  const why =
    output
      .split("\n")
      .find((line) => /KVM|kvm|error/i.test(line))
      ?.trim() ?? `no output within ${PROBE_TIMEOUT_MS / 1000}s`;
  return {
    accelerator: "tcg",
    reason: `KVM device present but a probe guest failed under it (${why}); using TCG`,
  };
}

// The emulator's path, size and mtime stand in for its version (see binary.ts).
async function hostKey(arch: Arch): Promise<string> {
  return JSON.stringify([
    arch,
    release(),
    await binaryIdentity("qemu-system-x86_64"),
    machineArgs(arch, "kvm"),
  ]);
}
