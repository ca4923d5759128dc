// Which Debian suites the mirror serves: each release role's Release file (oldoldstable … experimental)
// says which release it is today; each stable release adds its -security, -updates and -backports
// suites. A suite the mirror lacks, or one apt would refuse (expired), is reported with the reason.
import type { AptSource } from "./apt-sources.ts";
import { parseRelease, releaseExpired, releaseProblem, type SuiteRelease } from "./release.ts";
import type { UnreachableSuite } from "./catalogue.ts";

/** Debian's release roles; the codenames behind them move, the roles stay. */
export const RELEASE_ROLES = [
  "oldoldstable",
  "oldstable",
  "stable",
  "testing",
  "unstable",
  "experimental",
] as const;

/** Reads one Release file; throws with what went wrong. */
export type ReleaseFetcher = (uri: string, dist: string, signal?: AbortSignal) => Promise<string>;

/** A suite apt can use, with the source it comes from. */
export interface ServedSuite {
  uri: string;
  release: SuiteRelease;
  /** The day its Release file expired, when it is used anyway (the expired-suite policy allows it). */
  expired?: string;
}

/** What the mirror serves and what it does not. */
export interface SuiteDiscovery {
  served: ServedSuite[];
  unreachable: UnreachableSuite[];
}

/** The Debian archive and security URIs among the host's apt sources. */
export function debianMirrors(sources: readonly AptSource[]): {
  archive?: string;
  security?: string;
} {
  const security = sources.find((s) => s.suites.some((x) => x.endsWith("-security")))?.uris[0];
  const archive = sources.find(
    (s) => s.uris[0] !== security && s.suites.some((x) => !x.endsWith("-security")),
  )?.uris[0];
  return { ...(archive ? { archive } : {}), ...(security ? { security } : {}) };
}

/** Asks the mirror for every role's Release and each stable release's companion suites. */
export async function discoverSuites(
  mirrors: { archive: string; security?: string },
  fetchRelease: ReleaseFetcher,
  now = new Date(),
  options: { signal?: AbortSignal; allowExpired?: boolean } = {},
): Promise<SuiteDiscovery> {
  const { signal, allowExpired = false } = options;
  const served: ServedSuite[] = [];
  const unreachable: UnreachableSuite[] = [];
  const tryDist = async (uri: string, dist: string): Promise<SuiteRelease | undefined> => {
    try {
      const release = parseRelease(dist, await fetchRelease(uri, dist, signal));
      const problem = releaseProblem(release, now, allowExpired);
      if (!problem) return release;
      unreachable.push({ dist, reason: problem });
    } catch (error) {
      unreachable.push({ dist, reason: (error as Error).message });
    }
    return undefined;
  };
  const roles = await Promise.all(RELEASE_ROLES.map((role) => tryDist(mirrors.archive, role)));
  const seen = new Set<string>();
  const companions: Promise<void>[] = [];
  for (const release of roles) {
    if (!release || seen.has(release.codename)) continue;
    seen.add(release.codename);
    // A stable release is named by its codename, which keeps meaning the same packages.
    const dist = release.version ? release.codename : release.dist;
    served.push(withExpiry({ uri: mirrors.archive, release: { ...release, dist } }, now));
    if (!release.version) continue;
    const extra: [string | undefined, string][] = [
      [mirrors.archive, `${release.codename}-updates`],
      [mirrors.archive, `${release.codename}-backports`],
      [mirrors.security, `${release.codename}-security`],
    ];
    for (const [uri, companion] of extra) {
      if (!uri) continue;
      companions.push(
        tryDist(uri, companion).then((found) => {
          if (found) served.push(withExpiry({ uri, release: found }, now));
        }),
      );
    }
  }
  await Promise.all(companions);
  served.sort((a, b) => a.release.dist.localeCompare(b.release.dist));
  return { served, unreachable };
}

function withExpiry(suite: ServedSuite, now: Date): ServedSuite {
  const expired = releaseExpired(suite.release, now);
  return expired ? { ...suite, expired } : suite;
}

/** Fetches dists/<dist>/Release over HTTP(S) with a deadline. */
export const httpRelease: ReleaseFetcher = async (uri, dist, signal) => {
  const url = `${uri.replace(/\/$/, "")}/dists/${dist}/Release`;
  const deadline = AbortSignal.timeout(30_000);
  const response = await fetch(url, {
    signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
  }).catch((error: unknown) => {
    throw new Error(`${url} could not be fetched: ${(error as Error).message}`, { cause: error });
  });
  if (!response.ok)
    throw new Error(`the mirror does not serve it (${url}: HTTP ${response.status})`);
  return response.text();
};

/** The apt sources for the served suites, one stanza per mirror; the expired suites used anyway get
 * their own stanza telling apt not to check Valid-Until, so every other suite still is checked. */
export function servedSources(served: readonly ServedSuite[], signedBy?: string): AptSource[] {
  const byKey = new Map<string, { uri: string; expired: boolean; suites: string[] }>();
  for (const { uri, release, expired } of served) {
    const key = `${uri} ${expired ? "expired" : ""}`;
    const entry = byKey.get(key) ?? { uri, expired: expired !== undefined, suites: [] };
    entry.suites.push(release.dist);
    byKey.set(key, entry);
  }
  return [...byKey.values()].map(({ uri, expired, suites }) => ({
    uris: [uri],
    suites,
    components: ["main"],
    ...(signedBy ? { signedBy } : {}),
    ...(expired ? { checkValidUntil: false } : {}),
  }));
}
