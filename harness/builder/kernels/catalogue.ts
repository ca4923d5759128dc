// The kernel catalogue built from the suites a mirror serves: one entry per suite × flavour, named by
// the kernel series it carries ("debian-6.1-cloud"), or by the suite where a series is already taken
// by an older release ("debian-trixie") or where the suite rolls ("debian-sid", "debian-experimental").
import type { Arch } from "../../arch.ts";
import { compareDebianVersions } from "./debian-version.ts";
import type { Flavour, KernelBuild, KernelPackages } from "./kernel-index.ts";
import { releaseExpired, type SuiteRelease } from "./release.ts";

/** One suite's kernel packages for one arch. */
export interface SuiteIndex {
  release: SuiteRelease;
  arch: Arch;
  packages: KernelPackages;
}

/** The builds of one catalogue kernel on one arch, newest first; `current` is what the name means today. */
export interface ArchBuilds {
  metapackage: string;
  current: KernelBuild;
  builds: KernelBuild[];
  /** Set when the version the index lists as newest is not on the mirror and `current` stands in. */
  fallback?: { listed: string; reason: string };
}

/** One kernel name of the catalogue. */
export interface CatalogueKernel {
  name: string;
  /** The suite as apt sources name it ("bookworm-backports"); its -security and -updates merged in. */
  suite: string;
  dists: string[];
  series: string;
  flavour: Flavour;
  arches: Partial<Record<Arch, ArchBuilds>>;
  /** Arches the suite lists but whose builds the mirror has none of, and why. */
  unavailable?: Partial<Record<Arch, string>>;
  /** Set when the suite's Release file expired and it is used anyway (kernels.allowExpired): when. */
  expired?: string;
}

/** A suite the catalogue could not use, and why. */
export interface UnreachableSuite {
  dist: string;
  reason: string;
}

/** The catalogue and where it came from. */
export interface Catalogue {
  builtAt: string;
  kernels: CatalogueKernel[];
  unreachable: UnreachableSuite[];
}

const FLAVOURS: readonly Flavour[] = ["cloud", "generic", "rt"];
// sid is unstable's permanent name; testing's codename moves with every release and experimental's
// ("rc-buggy") says nothing, so those two are named by their role.
const ROLLING_NAMES: Readonly<Record<string, string>> = { unstable: "sid" };
const ROLLING_ORDER = ["testing", "unstable", "experimental"];

/** The series ("6.12", "7.3") of a kernel package version ("6.12.95-1~bpo12+1", "7.3~rc7-1~exp1"). */
export function seriesOf(version: string): string | undefined {
  return /^(?:\d+:)?(\d+\.\d+)/.exec(version)?.[1];
}

/** Builds the catalogue from every reachable suite's kernel packages. */
export function buildCatalogue(
  indices: readonly SuiteIndex[],
  unreachable: readonly UnreachableSuite[] = [],
  now = new Date(),
): Catalogue {
  const groups = groupSuites(indices);
  const claimed = new Set<string>();
  const kernels: CatalogueKernel[] = [];
  for (const group of groups) {
    const series = newestSeries(group.indices);
    if (!series) continue;
    const base = group.rolling
      ? `debian-${ROLLING_NAMES[group.main.suite] ?? group.main.suite}`
      : claimed.has(series)
        ? `debian-${group.main.codename}`
        : `debian-${series}`;
    if (!group.rolling) claimed.add(series);
    const expired = group.indices
      .map((i) => releaseExpired(i.release, now))
      .filter((day) => day !== undefined)
      .sort()[0];
    for (const flavour of FLAVOURS) {
      const arches = flavourBuilds(group.indices, flavour, series);
      if (Object.keys(arches).length === 0) continue;
      kernels.push({
        name: flavour === "generic" ? base : `${base}-${flavour}`,
        suite: group.main.dist,
        dists: [...new Set(group.indices.map((i) => i.release.dist))].sort(),
        series,
        flavour,
        arches,
        ...(expired ? { expired } : {}),
      });
    }
  }
  return { builtAt: now.toISOString(), kernels, unreachable: [...unreachable] };
}

interface SuiteGroup {
  main: SuiteRelease;
  rolling: boolean;
  rank: [number, number];
  indices: SuiteIndex[];
}

// A release's -security and -updates suites carry newer builds of the same kernel: one group.
function groupSuites(indices: readonly SuiteIndex[]): SuiteGroup[] {
  const byKey = new Map<string, SuiteIndex[]>();
  for (const index of indices) {
    const key = index.release.codename.replace(/-(security|updates|proposed-updates)$/, "");
    byKey.set(key, [...(byKey.get(key) ?? []), index]);
  }
  const releases = new Map([...byKey].map(([key, list]) => [key, mainRelease(key, list)]));
  const groups = [...byKey].map(([key, list]): SuiteGroup => {
    const main = releases.get(key) as SuiteRelease;
    const backportsOf = /^(.*)-backports$/.exec(main.codename)?.[1];
    const baseVersion = backportsOf ? releases.get(backportsOf)?.version : main.version;
    const rolling = !backportsOf && main.version === undefined;
    const rank: [number, number] = rolling
      ? [2, ROLLING_ORDER.indexOf(main.suite)]
      : baseVersion
        ? [0, Number.parseFloat(baseVersion) + (backportsOf ? 0.5 : 0)]
        : [1, 0];
    return { main, rolling, rank, indices: list };
  });
  return groups.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1]);
}

function mainRelease(key: string, list: readonly SuiteIndex[]): SuiteRelease {
  const first = list[0] as SuiteIndex;
  return (list.find((i) => i.release.codename === key) ?? first).release;
}

function newestSeries(indices: readonly SuiteIndex[]): string | undefined {
  const versions = indices.flatMap((i) => i.packages.metas.map((m) => m.version));
  const newest = versions.sort(compareDebianVersions).at(-1);
  return newest ? seriesOf(newest) : undefined;
}

function flavourBuilds(
  indices: readonly SuiteIndex[],
  flavour: Flavour,
  series: string,
): Partial<Record<Arch, ArchBuilds>> {
  const result: Partial<Record<Arch, ArchBuilds>> = {};
  for (const arch of ["x86_64", "aarch64"] as const) {
    const own = indices.filter((i) => i.arch === arch);
    const metas = own
      .flatMap((i) => i.packages.metas)
      .filter((m) => m.flavour === flavour && seriesOf(m.version) === series)
      .sort((a, b) => compareDebianVersions(b.version, a.version));
    const meta = metas[0];
    if (!meta) continue;
    const builds = uniqueBuilds(
      own
        .flatMap((i) => i.packages.builds)
        .filter((b) => b.flavour === flavour && seriesOf(b.version) === series),
    );
    const current = builds.find((b) => b.package === meta.image && b.version === meta.version) ?? {
      package: meta.image,
      version: meta.version,
      parts: [],
    };
    result[arch] = {
      metapackage: meta.package,
      current,
      builds: builds.length > 0 ? builds : [current],
    };
  }
  return result;
}

function uniqueBuilds(builds: readonly (KernelBuild & { flavour: Flavour })[]): KernelBuild[] {
  const seen = new Map<string, KernelBuild>();
  for (const { package: name, version, parts, urls } of builds)
    seen.set(`${name}=${version}`, { package: name, version, parts, ...(urls ? { urls } : {}) });
  return [...seen.values()].sort((a, b) => compareDebianVersions(b.version, a.version));
}
