// What `harness doctor` says about hyperkit: on anything but macOS, that it cannot run there and
// why; on a Mac, whether it is an Intel one, hyperkit's version, and the networking that is set up.
import { stat } from "node:fs/promises";
import { arch as hostArch } from "node:os";
import { execa } from "execa";
import type { ProbeResult } from "../types.ts";
import { HYPERKIT_ARCHES } from "./command-line.ts";
import { ENV, type HyperkitSettings } from "./settings.ts";

/** Checks, for real, whether hyperkit can boot guests on this host. */
export async function probeHyperkit(
  settings: HyperkitSettings,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const details = [`host: ${settings.hostOs} ${hostArch()}`];
  if (settings.hostOs !== "darwin") {
    if (settings.binaryNamed)
      details.push(`${ENV.binary}=${settings.binary} (boot uses it as a stand-in)`);
    return {
      available: false,
      arches: [],
      details,
      reason: `hyperkit runs only on macOS (this host is ${settings.hostOs}); run hyperkit cells on an Intel Mac, or use --platform qemu here`,
    };
  }
  const problems: string[] = [];
  if (hostArch() !== "x64")
    problems.push(`hyperkit needs an Intel Mac (this one is ${hostArch()})`);
  const version = await firstLine(settings.binary, ["-v"], signal);
  details.push(`${settings.binary}: ${version ?? "not found"}`);
  if (!version)
    problems.push(`${settings.binary} -v failed; install hyperkit or name it in ${ENV.binary}`);
  const network = await networkProbe(settings, signal);
  details.push(network.detail);
  if (network.problem) problems.push(network.problem);
  if (problems.length > 0)
    return { available: false, arches: [], details, reason: problems.join("; ") };
  return { available: true, arches: [...HYPERKIT_ARCHES], details };
}

async function networkProbe(settings: HyperkitSettings, signal?: AbortSignal) {
  const { network } = settings;
  if (network.mode === "vpnkit") {
    const version = await firstLine(settings.vpnkit, ["--version"], signal);
    const detail = `networking: vpnkit per guest (${settings.vpnkit}: ${version ?? "not found"})`;
    return version
      ? { detail }
      : {
          detail,
          problem: `${settings.vpnkit} not found; put it on PATH or name it in ${ENV.vpnkit}`,
        };
  }
  if (network.mode === "vpnkit-socket") {
    const present = await stat(network.socket).then(
      (s) => s.isSocket(),
      () => false,
    );
    const detail = `networking: vpnkit at ${network.socket} (${present ? "listening" : "missing"})`;
    return present
      ? { detail }
      : {
          detail,
          problem: `no vpnkit socket at ${network.socket}; start vpnkit or fix ${ENV.network}`,
        };
  }
  if (network.mode === "vmnet") {
    const root = process.getuid?.() === 0;
    const detail = `networking: vmnet (${root ? "running as root" : "not root"})`;
    return root
      ? { detail }
      : { detail, problem: "vmnet networking needs root; run as root or use vpnkit" };
  }
  return { detail: "networking: none" };
}

// hyperkit prints its version on stderr, vpnkit on stdout.
async function firstLine(
  binary: string,
  args: string[],
  signal?: AbortSignal,
): Promise<string | undefined> {
  const result = await execa(binary, args, {
    reject: false,
    timeout: 10_000,
    all: true,
    ...(signal ? { cancelSignal: signal } : {}),
  });
  return result.exitCode === 0 ? String(result.all).trim().split("\n")[0] : undefined;
}
