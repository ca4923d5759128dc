// A runner's health check, once before it gets work: it answers over SSH, has qemu for the arches
// it should take and the few commands the wrapper uses, and its work folder exists. Old blobs and
// cell folders that a crash left behind are pruned on the way.
import { ARCHES, type Arch } from "../../harness/arch.ts";
import { HarnessError } from "../../harness/errors.ts";
import { shellQuote } from "../../harness/util/shell-quote.ts";
import { QEMU_BINARY } from "../qemu/command-line.ts";
import { howItEnded, type RunnerConnection } from "./connection.ts";
import type { RunnerSpec } from "./spec.ts";
import { shCommand } from "./wrapper.ts";

/** What the health check learned about a runner. */
export interface RunnerHealth {
  /** The work folder, absolute. */
  dir: string;
  /** `uname -m` of the runner. */
  machine: string;
  /** The arches it takes, with their qemu's version line. */
  arches: Map<Arch, string>;
  /** /dev/kvm is there and usable by the login user (whether KVM works is probed apart). */
  kvmDevice: boolean;
}

const COMMANDS = ["mkfifo", "sha256sum", "cat", "truncate", "timeout"];

/** Checks the runner; throws a HarnessError saying what is wrong and what to do. */
export async function checkRunner(
  connection: RunnerConnection,
  spec: RunnerSpec,
  signal: AbortSignal,
): Promise<RunnerHealth> {
  const result = await connection.run(shCommand(healthScript(spec.dir)), {
    what: "the health check",
    signal,
    timeoutMs: 30_000,
  });
  const facts = new Map(
    result.stdout
      .split("\n")
      .map((line) => /^([a-z0-9_-]+)=(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] as string, m[2] as string]),
  );
  const missing = result.stdout.match(/^missing=.*$/gm)?.map((m) => m.slice(8)) ?? [];
  const dir = facts.get("dir");
  if (result.code !== 0 || !dir || missing.length > 0) {
    throw new HarnessError(
      "ERUNNERHEALTH",
      `runner ${connection.name} failed its health check: ${missing.length > 0 ? `missing ${missing.join(", ")}` : `cannot use work folder ${spec.dir} (${result.stderr.trim() || howItEnded(result)})`}`,
      { hint: "install coreutils there, or point dir: in harness.yml at a writable folder" },
    );
  }
  const wanted = spec.arches ?? ARCHES;
  const arches = new Map<Arch, string>();
  for (const arch of wanted) {
    const version = facts.get(`qemu-${arch}`);
    if (version) arches.set(arch, version);
  }
  if (arches.size === 0) {
    throw new HarnessError(
      "ERUNNERHEALTH",
      `runner ${connection.name} has none of ${wanted.map((a) => QEMU_BINARY[a]).join(", ")}`,
      { hint: "install qemu-system-arm / qemu-system-x86 there (Debian packages)" },
    );
  }
  return {
    dir,
    machine: facts.get("machine") ?? "unknown",
    arches,
    kvmDevice: facts.get("kvm") === "yes",
  };
}

function healthScript(dir: string): string {
  const folder = shellQuote(dir.replace(/^~\//, ""));
  return [
    'echo "machine=$(uname -m)"',
    ...ARCHES.map(
      (arch) => `echo "qemu-${arch}=$(${QEMU_BINARY[arch]} --version 2>/dev/null | head -n 1)"`,
    ),
    "if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then echo kvm=yes; else echo kvm=no; fi",
    `for t in ${COMMANDS.join(" ")}; do command -v "$t" >/dev/null 2>&1 || echo "missing=$t"; done`,
    `mkdir -p ${folder}/blobs ${folder}/cells && cd ${folder} || exit 1`,
    'echo "dir=$(pwd)"',
    "find blobs -type f -mtime +14 -exec rm -f {} + 2>/dev/null",
    "find cells -mindepth 1 -maxdepth 1 -mtime +1 -exec rm -rf {} + 2>/dev/null",
    "true",
  ].join("\n");
}
