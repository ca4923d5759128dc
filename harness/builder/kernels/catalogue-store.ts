// The kernel catalogue on disk: discovered from the mirror, indexed by the kernels' own private apt
// (apt-kernels/, apart from the guest packages' apt) and kept as catalogue.json, refreshed once a
// day. Offline, a stale catalogue is used and says so; only a first run needs the network.
import { readFileSync } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import type { Arch } from "../../arch.ts";
import { HarnessError } from "../../errors.ts";
import { writeFileAtomic } from "../../util/atomic-write.ts";
import { privateApt, type Apt } from "./apt.ts";
import { systemAptSources, type AptSource } from "./apt-sources.ts";
import { buildCatalogue, type Catalogue, type SuiteIndex } from "./catalogue.ts";
import { parseDeb822 } from "./deb822.ts";
import { expiredPolicy, type ExpiredPolicy } from "./expired-policy.ts";
import { httpProbe, settleFetchable } from "./fetchable.ts";
import { kernelPackages, kernelParagraphTexts } from "./kernel-index.ts";
import {
  debianMirrors,
  discoverSuites,
  httpRelease,
  servedSources,
  type ServedSuite,
} from "./suites.ts";

/** The kernels' private apt folder under the cache. */
export const KERNEL_APT_FOLDER = "apt-kernels";
const MAX_AGE_MS = 24 * 3_600_000;
const DEBIAN_ARCH: Record<Arch, string> = { x86_64: "amd64", aarch64: "arm64" };

/** The catalogue as stored, with the apt sources it was indexed from. */
export interface StoredCatalogue extends Catalogue {
  sources: AptSource[];
  /** Set when a refresh failed and this older catalogue stands in: why. */
  stale?: string;
  /** Whether suites with an expired Release file were taken, and which setting said so. */
  expiredPolicy?: ExpiredPolicy;
}

/** The stored catalogue, whatever its age; undefined before the first refresh. Cheap and synchronous. */
export function cachedCatalogue(cacheDir: string): StoredCatalogue | undefined {
  try {
    return JSON.parse(readFileSync(cataloguePath(cacheDir), "utf8")) as StoredCatalogue;
  } catch {
    return undefined;
  }
}

/** The catalogue, refreshed from the mirror when missing, a day old, or `refresh` is set. */
export async function loadCatalogue(
  cacheDir: string,
  options: { refresh?: boolean; signal?: AbortSignal; policy?: ExpiredPolicy } = {},
): Promise<StoredCatalogue> {
  const policy = options.policy ?? expiredPolicy();
  const cached = cachedCatalogue(cacheDir);
  const age = cached ? Date.now() - Date.parse(cached.builtAt) : Infinity;
  // A catalogue built under the other expired-suite policy lists other suites: built again.
  const samePolicy = (cached?.expiredPolicy?.allow ?? false) === policy.allow;
  if (cached && !options.refresh && samePolicy && age < MAX_AGE_MS) return cached;
  try {
    return await refreshCatalogue(cacheDir, policy, options.signal);
  } catch (error) {
    if (!cached || options.signal?.aborted) throw error;
    return { ...cached, stale: `refresh failed: ${(error as Error).message}` };
  }
}

/** The kernels' private apt, reading the sources the catalogue was built from. */
export function kernelApt(
  catalogue: StoredCatalogue,
  cacheDir: string,
  signal?: AbortSignal,
): Promise<Apt> {
  return privateApt(cacheDir, signal, { folder: KERNEL_APT_FOLDER, sources: catalogue.sources });
}

async function refreshCatalogue(
  cacheDir: string,
  policy: ExpiredPolicy,
  signal?: AbortSignal,
): Promise<StoredCatalogue> {
  const system = await systemAptSources();
  const mirrors = debianMirrors(system);
  if (!mirrors.archive)
    throw new HarnessError("EAPT", "no Debian mirror among the host's apt sources", {
      hint: "add deb.debian.org (or a mirror) to /etc/apt/sources.list.d/",
    });
  const found = await discoverSuites(
    { ...mirrors, archive: mirrors.archive },
    httpRelease,
    new Date(),
    { ...(signal ? { signal } : {}), allowExpired: policy.allow },
  );
  if (found.served.length === 0) {
    const why = found.unreachable.map((u) => `${u.dist}: ${u.reason}`).join("; ");
    throw new HarnessError(
      "EAPT",
      `the mirror ${mirrors.archive} serves no usable suite (${why})`,
      {
        hint: "check the network and the mirror; a catalogue fetched before is used while it is down",
      },
    );
  }
  const sources = servedSources(found.served, system.find((s) => s.signedBy)?.signedBy);
  const apt = await privateApt(cacheDir, signal, { folder: KERNEL_APT_FOLDER, sources });
  const indices = await readIndices(apt, found.served, signal);
  const built = buildCatalogue(indices, found.unreachable);
  const catalogue: StoredCatalogue = {
    ...(await settleFetchable(built, httpProbe, signal)),
    sources,
    expiredPolicy: policy,
  };
  await mkdir(join(cacheDir, KERNEL_APT_FOLDER), { recursive: true });
  await writeFileAtomic(cataloguePath(cacheDir), `${JSON.stringify(catalogue, null, 1)}\n`);
  return catalogue;
}

// apt keeps its indexes compressed (lz4 here); apt-helper cat-file reads any of its formats.
async function readIndices(
  apt: Apt,
  served: readonly ServedSuite[],
  signal?: AbortSignal,
): Promise<SuiteIndex[]> {
  const lists = await readdir(join(apt.root, "lists"));
  const indices: SuiteIndex[] = [];
  for (const { uri, release } of served) {
    for (const arch of ["x86_64", "aarch64"] as const) {
      const debArch = DEBIAN_ARCH[arch];
      const files = lists.filter(
        (f) => f.includes(`_dists_${release.dist}_`) && f.includes(`_binary-${debArch}_Packages`),
      );
      for (const file of files) {
        const { stdout } = await execa(
          "/usr/lib/apt/apt-helper",
          ["cat-file", join(apt.root, "lists", file)],
          {
            maxBuffer: 1024 * 1024 * 1024,
            ...(signal ? { cancelSignal: signal } : {}),
          },
        );
        const packages = kernelPackages(parseDeb822(kernelParagraphTexts(stdout)), debArch, uri);
        indices.push({ release, arch, packages });
      }
    }
  }
  return indices;
}

function cataloguePath(cacheDir: string): string {
  return join(cacheDir, KERNEL_APT_FOLDER, "catalogue.json");
}
