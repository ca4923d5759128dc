// hyperkit (macOS, Intel): x86_64 guests from kernel+initrd, as LinuxKit's hyperkit backend runs
// them; networking through a vpnkit started per guest (or an existing one, or vmnet), the console
// on com1 and results on com2.
//
// Settings come from the environment: HARNESS_HYPERKIT names the hyperkit executable (default:
// `hyperkit` on PATH), HARNESS_VPNKIT the vpnkit one, HARNESS_HYPERKIT_NETWORK the networking
// (`vpnkit`, `vpnkit,SOCKET`, `vmnet`, `none`). hyperkit exists only on macOS, so probe() says
// so elsewhere; but boot() trusts an executable named explicitly (HARNESS_HYPERKIT or the
// `binary` option) on any host. That is how the harness's own tests drive the platform on Linux:
// through a stand-in that parses hyperkit's options and replays a recorded guest.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { HarnessError } from "../../harness/errors.ts";
import type { BootRequest, BootedMachine, Platform } from "../types.ts";
import {
  checkArch,
  HYPERKIT_ARCHES,
  hyperkitCommandLine,
  type HyperkitNetwork,
} from "./command-line.ts";
import { startHyperkit } from "./machine.ts";
import { probeHyperkit } from "./probe.ts";
import { ENV, hyperkitSettings, type HyperkitOptions, type HyperkitSettings } from "./settings.ts";
import { prepareStateDir } from "./state.ts";
import { startVpnkit, type Vpnkit } from "./vpnkit.ts";

export type { HyperkitOptions } from "./settings.ts";

const GRACE_MS = 2000;
const START_TIMEOUT_MS = 10_000;

/** A hyperkit platform; options override the environment (tests name a stand-in here). */
export function createHyperkitPlatform(options: HyperkitOptions = {}): Platform {
  return {
    name: "hyperkit",
    summary: "hyperkit on an Intel Mac, networking through vpnkit or vmnet",
    arches: HYPERKIT_ARCHES,
    formats: ["kernel+initrd"],
    probe: ({ signal, env }) => probeHyperkit(hyperkitSettings(options, env), signal),
    boot: (request) => boot(hyperkitSettings(options, request.env), request),
  };
}

/** The hyperkit platform as the registry lists it. */
export const hyperkitPlatform: Platform = createHyperkitPlatform();

async function boot(settings: HyperkitSettings, request: BootRequest): Promise<BootedMachine> {
  if (settings.hostOs !== "darwin" && !settings.binaryNamed) {
    throw new HarnessError(
      "EHYPERKITHOST",
      `hyperkit runs only on macOS; this host is ${settings.hostOs}`,
      {
        hint: `run hyperkit cells on an Intel Mac (or set ${ENV.binary} to a stand-in executable)`,
      },
    );
  }
  checkArch(request.arch);
  if ((request.forwardPorts ?? []).length > 0) {
    throw new HarnessError(
      "EHYPERKITPORTS",
      `hyperkit cells cannot forward guest ports (${request.forwardPorts?.join(", ")})`,
      {
        hint: "run SSH-driven cases on qemu; on hyperkit, drive the guest over its serial console",
      },
    );
  }
  for (const file of [request.image.kernel, request.image.initrd]) {
    if (!(await stat(file).catch(() => undefined)))
      throw new HarnessError("EIMAGEMISSING", `image file ${file} is missing`, {
        hint: "build the image first (harness build)",
      });
  }
  const stateDir = join(request.stateDir, "hyperkit");
  const uuid = await prepareStateDir(stateDir, settings.binary);
  const vpnkit =
    settings.network.mode === "vpnkit" ? await startVpnkit(settings.vpnkit, GRACE_MS) : undefined;
  try {
    const argv = hyperkitCommandLine({
      binary: settings.binary,
      arch: request.arch,
      image: request.image,
      memoryMiB: request.memoryMiB,
      cpus: request.cpus,
      disks: request.disks ?? [],
      network: guestNetwork(settings, vpnkit, uuid),
      stateDir,
      uuid,
      resultsPort: request.resultsChannel !== false,
    });
    return await startHyperkit(argv, {
      cellDir: request.stateDir,
      stateDir,
      resultsPort: request.resultsChannel !== false,
      ...(vpnkit ? { vpnkit } : {}),
      graceMs: GRACE_MS,
      startTimeoutMs: START_TIMEOUT_MS,
      signal: request.signal,
    });
  } catch (error) {
    await vpnkit?.stop();
    throw error;
  }
}

function guestNetwork(
  settings: HyperkitSettings,
  vpnkit: Vpnkit | undefined,
  uuid: string,
): HyperkitNetwork {
  if (vpnkit) return { mode: "vpnkit", socket: vpnkit.socket, uuid };
  if (settings.network.mode === "vpnkit-socket")
    return { mode: "vpnkit", socket: settings.network.socket, uuid };
  return settings.network.mode === "vmnet" ? { mode: "vmnet" } : { mode: "none" };
}
