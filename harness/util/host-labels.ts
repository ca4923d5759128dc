// Labels describing this host (os, distro, arch), added to the active labels as rtf does.
import { readFileSync } from "node:fs";
import { arch as nodeArch, platform } from "node:os";

/** Host facts used as labels and in run records. */
export interface HostInfo {
  os: string;
  distro: string;
  distroVersion: string;
  arch: "x86_64" | "aarch64";
}

/** Reads this host's os, distro and arch. */
export function hostInfo(osReleasePath = "/etc/os-release"): HostInfo {
  const release = readOsRelease(osReleasePath);
  return {
    os: platform() === "darwin" ? "osx" : platform(),
    distro: (release.ID ?? "unknown").toLowerCase(),
    distroVersion: release.VERSION_ID ?? "unknown",
    arch: nodeArch() === "arm64" ? "aarch64" : "x86_64",
  };
}

/** The labels a host adds: os, distro, distro-version, and the arch under both common names. */
export function hostLabels(info: HostInfo): string[] {
  const goArch = info.arch === "x86_64" ? "amd64" : "arm64";
  return [info.os, info.distro, `${info.distro}-${info.distroVersion}`, info.arch, goArch];
}

function readOsRelease(path: string): Record<string, string> {
  try {
    const entries = readFileSync(path, "utf8")
      .split("\n")
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1] ?? "", (match[2] ?? "").replace(/^"|"$/g, "")]);
    return Object.fromEntries(entries) as Record<string, string>;
  } catch {
    return {};
  }
}
