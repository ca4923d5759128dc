// Platforms: the harness's arch names mapped to OCI's, and lenient matching (arm64 = arm64/v8).
import type { Descriptor, OciPlatform } from "./types.ts";

/** The harness's architecture names. */
export type HarnessArch = "x86_64" | "aarch64";

/** The OCI platform of a harness architecture (Linux guests). */
export function platformForArch(arch: HarnessArch): OciPlatform {
  return arch === "x86_64"
    ? { os: "linux", architecture: "amd64" }
    : { os: "linux", architecture: "arm64", variant: "v8" };
}

/** `os/arch[/variant]`, as users see platforms. */
export function formatPlatform(platform: OciPlatform): string {
  const variant = platform.variant ? `/${platform.variant}` : "";
  return `${platform.os}/${platform.architecture}${variant}`;
}

/** True when an image for `have` runs where `want` is asked for; an unspecified wanted variant matches any. */
export function platformMatches(want: OciPlatform, have: OciPlatform): boolean {
  const w = canonical(want);
  const h = canonical(have);
  if (w.os !== h.os || w.architecture !== h.architecture) return false;
  return w.variant === undefined || w.variant === h.variant;
}

/** True when two platforms are the same once aliases and default variants are folded. */
export function samePlatform(a: OciPlatform, b: OciPlatform): boolean {
  const x = canonical(a);
  const y = canonical(b);
  return x.os === y.os && x.architecture === y.architecture && x.variant === y.variant;
}

/** The manifest in an index for a platform, preferring an exact variant match; undefined when none fits. */
export function pickManifest(
  manifests: readonly Descriptor[],
  want: OciPlatform,
): Descriptor | undefined {
  const fitting = manifests.filter((m) => m.platform && platformMatches(want, m.platform));
  return fitting.find((m) => m.platform && samePlatform(want, m.platform)) ?? fitting[0];
}

/** The platforms an index offers, formatted, skipping attestation entries (`unknown/unknown`). */
export function offeredPlatforms(manifests: readonly Descriptor[]): string[] {
  return manifests
    .flatMap((m) => (m.platform ? [m.platform] : []))
    .filter((p) => p.os !== "unknown")
    .map(formatPlatform);
}

function canonical(platform: OciPlatform): { os: string; architecture: string; variant?: string } {
  const os = platform.os.toLowerCase();
  const aliases: Record<string, string> = { x86_64: "amd64", aarch64: "arm64" };
  const arch = platform.architecture.toLowerCase();
  const architecture = aliases[arch] ?? arch;
  const variant = platform.variant?.toLowerCase();
  // arm64's only variant in practice is v8, so "arm64" and "arm64/v8" are one platform.
  if (variant === undefined || (architecture === "arm64" && variant === "v8")) {
    return { os, architecture };
  }
  return { os, architecture, variant };
}
