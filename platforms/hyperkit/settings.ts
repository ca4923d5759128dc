// What the hyperkit platform runs with, from explicit options or the environment, checked once:
// the hyperkit and vpnkit executables and how the guest is networked.
import { inputError } from "../../harness/errors.ts";

/** How the guest's NIC is set up: a vpnkit the harness starts, one already running, vmnet, none. */
export type NetworkSetting =
  | { mode: "vpnkit" }
  | { mode: "vpnkit-socket"; socket: string }
  | { mode: "vmnet" }
  | { mode: "none" };

/** Options a caller (or a test) may pass instead of the environment. */
export interface HyperkitOptions {
  /** The hyperkit executable; naming one explicitly also lifts the macOS-only check (a stand-in). */
  binary?: string;
  /** The vpnkit executable started per guest in the default networking mode. */
  vpnkit?: string;
  /** `vpnkit` (default), `vpnkit,SOCKET`, `vmnet` or `none`. */
  network?: string;
  /** The host OS as process.platform names it; tests pass "darwin" or "linux". */
  hostOs?: NodeJS.Platform;
}

/** Resolved settings. */
export interface HyperkitSettings {
  binary: string;
  /** True when the binary was named (option or HARNESS_HYPERKIT) rather than found on PATH. */
  binaryNamed: boolean;
  vpnkit: string;
  network: NetworkSetting;
  hostOs: NodeJS.Platform;
}

/** The environment variables the platform reads, for messages and docs. */
export const ENV = {
  binary: "HARNESS_HYPERKIT",
  vpnkit: "HARNESS_VPNKIT",
  network: "HARNESS_HYPERKIT_NETWORK",
} as const;

/** Settings from `options`, falling back to the environment, then to the defaults. */
export function hyperkitSettings(
  options: HyperkitOptions,
  env: NodeJS.ProcessEnv,
): HyperkitSettings {
  const named = options.binary ?? env[ENV.binary];
  return {
    binary: named || "hyperkit",
    binaryNamed: Boolean(named),
    vpnkit: options.vpnkit ?? (env[ENV.vpnkit] || "vpnkit"),
    network: parseNetwork(options.network ?? (env[ENV.network] || "vpnkit")),
    hostOs: options.hostOs ?? process.platform,
  };
}

/** Parses a networking mode as LinuxKit's `--networking` spells it. */
export function parseNetwork(text: string): NetworkSetting {
  const [mode, socket, ...rest] = text.split(",");
  if (mode === "vpnkit" && socket === undefined) return { mode: "vpnkit" };
  if (mode === "vpnkit" && socket && rest.length === 0) return { mode: "vpnkit-socket", socket };
  if ((mode === "vmnet" || mode === "none") && socket === undefined) return { mode };
  throw inputError(
    "EHYPERKITNET",
    `unknown hyperkit networking ${JSON.stringify(text)} in ${ENV.network}`,
    {
      hint: "use vpnkit (start one per guest), vpnkit,SOCKET (an existing vpnkit), vmnet (as root) or none",
    },
  );
}
