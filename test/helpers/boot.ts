// Boots a kernel + initrd under qemu (TCG) and returns the console, for tests of what the builder made.
import { execa } from "execa";

const QEMU: Record<"x86_64" | "aarch64", string[]> = {
  x86_64: ["qemu-system-x86_64", "-M", "q35", "-cpu", "max"],
  aarch64: ["qemu-system-aarch64", "-M", "virt", "-cpu", "max,pauth-impdef=on"],
};
const CONSOLE = { x86_64: "ttyS0", aarch64: "ttyAMA0" } as const;

/** Boots to poweroff (or `timeoutMs`); resolves with everything the serial console printed. */
export async function bootConsole(
  arch: "x86_64" | "aarch64",
  kernel: string,
  initrd: string,
  timeoutMs = 120_000,
): Promise<string> {
  const [binary = "", ...machine] = QEMU[arch];
  const result = await execa(
    binary,
    [
      ...machine,
      "-accel",
      "tcg",
      "-m",
      "512",
      "-smp",
      "2",
      "-nographic",
      "-nodefaults",
      "-no-reboot",
      "-serial",
      "stdio",
      "-kernel",
      kernel,
      "-initrd",
      initrd,
      "-append",
      `console=${CONSOLE[arch]} panic=-1`,
    ],
    { reject: false, timeout: timeoutMs, all: true },
  );
  return String(result.all);
}
