// The Debian packages (with exact versions) a recipe takes for an arch, from the private apt.
import type { Arch } from "../../arch.ts";
import { runApt, type Apt } from "../kernels/apt.ts";
import { HarnessError } from "../../errors.ts";

/** Debian's name for each guest arch. */
export const DEBIAN_ARCH: Record<Arch, string> = { x86_64: "amd64", aarch64: "arm64" };

/** A package pinned to the version apt would install. */
export interface PinnedPackage {
  name: string;
  version: string;
  arch: string;
}

const NO_EXTRAS = [
  "--no-recommends",
  "--no-suggests",
  "--no-conflicts",
  "--no-breaks",
  "--no-replaces",
  "--no-enhances",
];

/** The packages (plus their dependency closure when asked), minus exclusions, with candidate versions. */
export async function resolvePackages(
  apt: Apt,
  spec: { packages: readonly string[]; closure?: boolean; exclude?: readonly string[] },
  arch: Arch,
  signal?: AbortSignal,
): Promise<PinnedPackage[]> {
  const debArch = DEBIAN_ARCH[arch];
  const qualified = spec.packages.map((p) => `${p}:${debArch}`);
  let names = [...spec.packages];
  if (spec.closure) {
    const text = await runApt(
      "apt-cache",
      apt,
      ["depends", "--recurse", ...NO_EXTRAS, ...qualified],
      signal,
    );
    names = text
      .split("\n")
      .filter((line) => /^[a-z0-9]/.test(line))
      .map((line) => line.replace(/:.*$/, "").trim());
  }
  const excluded = new Set(spec.exclude ?? []);
  const wanted = [...new Set(names)].filter((n) => !excluded.has(n)).sort();
  const shown = await runApt(
    "apt-cache",
    apt,
    ["show", "--no-all-versions", ...wanted.map((n) => `${n}:${debArch}`)],
    signal,
  );
  const versions = new Map<string, string>();
  for (const block of shown.split(/\n\n+/)) {
    const name = /^Package: (.+)$/m.exec(block)?.[1];
    const version = /^Version: (.+)$/m.exec(block)?.[1];
    if (name && version) versions.set(name, version);
  }
  return wanted.map((name) => {
    const version = versions.get(name);
    if (!version)
      throw new HarnessError("EAPT", `Debian has no ${name} for ${debArch}`, {
        hint: "check the recipe's package names",
      });
    return { name, version, arch: debArch };
  });
}
