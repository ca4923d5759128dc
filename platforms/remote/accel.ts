// Whether KVM really works on a runner, decided as on this host: by booting a tiny guest with it,
// not by /dev/kvm existing. Guests of another arch than the runner's are emulated (TCG).
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { Arch } from "../../harness/arch.ts";
import { shellQuote } from "../../harness/util/shell-quote.ts";
import { QEMU_BINARY, machineArgs } from "../qemu/command-line.ts";
import { probeBootSector, type AccelVerdict } from "../qemu/accel-probe.ts";
import type { RunnerConnection } from "./connection.ts";
import type { RunnerHealth } from "./health.ts";
import { shCommand } from "./wrapper.ts";

const PROBE_SECONDS = 10;
const PROBE_TEXT = "KVM-OK";

/** A raw arm64 program for `-M virt -kernel`: writes "KVM-OK\n" to the PL011 UART, then waits. */
export function aarch64ProbeKernel(): Buffer {
  const words = [0xd2a12001]; // movz x1, #0x0900, lsl #16: the UART's data register
  for (const char of `${PROBE_TEXT}\n`)
    words.push(0x52800000 | (char.charCodeAt(0) << 5), 0x39000020); // movz w0, #c; strb w0, [x1]
  words.push(0xd503207f, 0x17ffffff); // wfi; b back to wfi
  const program = Buffer.alloc(words.length * 4);
  words.forEach((word, i) => program.writeUInt32LE(word >>> 0, i * 4));
  return program;
}

/** The probe guest's qemu argv (binary first) for `arch` under `accelerator`, reading probe.img. */
export function probeCommandLine(arch: Arch, accelerator: "kvm" | "tcg"): string[] {
  const boot =
    arch === "x86_64" ? ["-drive", "file=probe.img,format=raw,if=ide"] : ["-kernel", "probe.img"];
  return [
    QEMU_BINARY[arch],
    ...machineArgs(arch, accelerator),
    ...["-m", "64", "-nodefaults", "-display", "none", "-monitor", "none"],
    ...["-serial", "stdio", "-no-reboot", ...boot],
  ];
}

/** The accelerator guests of `arch` get on the runner, and why. */
export async function remoteAccel(
  connection: RunnerConnection,
  health: RunnerHealth,
  arch: Arch,
  signal: AbortSignal,
): Promise<AccelVerdict> {
  if (health.machine !== arch)
    return {
      accelerator: "tcg",
      reason: `${arch} guests on a ${health.machine} runner are emulated`,
    };
  if (!health.kvmDevice)
    return { accelerator: "tcg", reason: "/dev/kvm is missing or not accessible on the runner" };
  const image = arch === "x86_64" ? probeBootSector() : aarch64ProbeKernel();
  const result = await connection.run(shCommand(probeScript(health.dir, arch)), {
    what: "the KVM probe",
    signal,
    timeoutMs: (PROBE_SECONDS + 20) * 1000,
    input: Readable.from([image]),
  });
  if (result.stdout.includes(PROBE_TEXT))
    return { accelerator: "kvm", reason: "a probe guest booted with KVM on the runner" };
  const why =
    result.stdout
      .split("\n")
      .find((line) => /kvm|error/i.test(line))
      ?.trim() ?? `no output within ${PROBE_SECONDS}s`;
  return {
    accelerator: "tcg",
    reason: `KVM device present on the runner but a probe guest failed under it (${why}); using TCG`,
  };
}

function probeScript(dir: string, arch: Arch): string {
  const argv = probeCommandLine(arch, "kvm").map(shellQuote).join(" ");
  return [
    `d=${shellQuote(`${dir}/cells/probe-${randomUUID()}`)}`,
    'mkdir -p "$d" && cd "$d" || exit 1',
    "cat >probe.img",
    `timeout -s KILL ${PROBE_SECONDS} ${argv} </dev/null >out 2>&1 &`,
    "q=$!",
    "i=0",
    `while [ "$i" -lt ${PROBE_SECONDS * 10} ] && kill -0 "$q" 2>/dev/null && ! grep -q ${PROBE_TEXT} out; do`,
    "  sleep 0.1; i=$((i + 1))",
    "done",
    'kill -KILL "$q" 2>/dev/null; wait "$q" 2>/dev/null',
    'cat out; cd / && rm -rf "$d"',
  ].join("\n");
}
