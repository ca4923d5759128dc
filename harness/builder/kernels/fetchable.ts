// Which catalogue builds the mirror really has: an index can list a .deb its pool lacks (a security
// mirror without one arch's files), so each build's files are asked for, a name means the newest
// build that can be fetched (saying which newer one it stands in for), and an arch with none at all
// is marked unavailable with the reason.
import pLimit from "p-limit";
import type { Arch } from "../../arch.ts";
import type { ArchBuilds, Catalogue, CatalogueKernel } from "./catalogue.ts";
import type { KernelBuild } from "./kernel-index.ts";

/** Asks whether the mirror has a file: undefined when it has, else why not (e.g. "HTTP 404"). Throws
 * when it cannot tell (network down): such a build is kept, as nothing is known against it. */
export type UrlProbe = (url: string, signal?: AbortSignal) => Promise<string | undefined>;

const PROBES_AT_ONCE = 8;

/** The catalogue with each arch's builds narrowed to those the mirror has, `current` the newest of them. */
export async function settleFetchable(
  catalogue: Catalogue,
  probe: UrlProbe,
  signal?: AbortSignal,
): Promise<Catalogue> {
  const urls = new Set(
    catalogue.kernels.flatMap((k) =>
      Object.values(k.arches).flatMap((a) => a.builds.flatMap((b) => b.urls ?? [])),
    ),
  );
  const limit = pLimit(PROBES_AT_ONCE);
  const missing = new Map<string, string>();
  await Promise.all(
    [...urls].map((url) =>
      limit(async () => {
        const why = await probe(url, signal).catch(() => undefined);
        if (why !== undefined) missing.set(url, why);
      }),
    ),
  );
  signal?.throwIfAborted();
  return { ...catalogue, kernels: catalogue.kernels.map((k) => settleKernel(k, missing)) };
}

/** Why a build cannot be fetched (its first missing file), or undefined when it can. */
export function buildMissing(
  build: KernelBuild,
  missing: ReadonlyMap<string, string>,
): string | undefined {
  const url = (build.urls ?? []).find((u) => missing.has(u));
  return url === undefined ? undefined : `${url}: ${missing.get(url) ?? ""}`;
}

function settleKernel(
  kernel: CatalogueKernel,
  missing: ReadonlyMap<string, string>,
): CatalogueKernel {
  const arches: Partial<Record<Arch, ArchBuilds>> = {};
  const unavailable: Partial<Record<Arch, string>> = { ...kernel.unavailable };
  for (const arch of ["x86_64", "aarch64"] as const) {
    const builds = kernel.arches[arch];
    if (!builds) continue;
    const fetchable = builds.builds.filter((b) => buildMissing(b, missing) === undefined);
    const why = buildMissing(builds.current, missing);
    const stand = why === undefined ? builds.current : fetchable[0];
    if (!stand) {
      unavailable[arch] =
        `none of its ${builds.builds.length} builds is on the mirror (${builds.current.version}: ${why ?? "missing"})`;
      continue;
    }
    arches[arch] = {
      ...builds,
      current: stand,
      builds: fetchable,
      ...(why === undefined ? {} : { fallback: { listed: builds.current.version, reason: why } }),
    };
  }
  return {
    ...kernel,
    arches,
    ...(Object.keys(unavailable).length > 0 ? { unavailable } : {}),
  };
}

/** Asks the mirror for a file's headers (HEAD) with a deadline; a 404 or 410 says it is missing. */
export const httpProbe: UrlProbe = async (url, signal) => {
  const deadline = AbortSignal.timeout(20_000);
  const response = await fetch(url, {
    method: "HEAD",
    signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
  });
  if (response.ok) return undefined;
  if (response.status === 404 || response.status === 410) return `HTTP ${response.status}`;
  throw new Error(`HTTP ${response.status} for ${url}`);
};
