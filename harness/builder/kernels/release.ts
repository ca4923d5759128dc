// A suite's Release file read for what the catalogue needs: which suite it is (Suite, Codename,
// Version), which arches it carries, and whether apt would still accept it (Valid-Until).
import { field, parseDeb822 } from "./deb822.ts";

/** One suite as its Release file describes it. */
export interface SuiteRelease {
  /** The folder under dists/ it was read from ("bookworm-backports", "sid"). */
  dist: string;
  /** The role ("oldstable", "stable-backports", "unstable", "experimental"). */
  suite: string;
  /** The name ("bookworm", "bookworm-backports", "sid"; experimental's is "rc-buggy"). */
  codename: string;
  /** The release number of a stable release ("12.15"); rolling suites and backports have none. */
  version?: string;
  architectures: string[];
  /** When apt stops trusting the file (ISO time); absent when it never expires. */
  validUntil?: string;
}

/** Reads a Release (or InRelease) text fetched from `dists/<dist>/`. */
export function parseRelease(dist: string, text: string): SuiteRelease {
  const paragraph = parseDeb822(stripSignature(text))[0] ?? {};
  const validUntil = field(paragraph, "Valid-Until");
  const version = field(paragraph, "Version");
  const until = validUntil ? new Date(validUntil) : undefined;
  return {
    dist,
    suite: field(paragraph, "Suite") ?? dist,
    codename: field(paragraph, "Codename") ?? dist,
    ...(version ? { version } : {}),
    architectures: (field(paragraph, "Architectures") ?? "").split(/\s+/).filter(Boolean),
    ...(until && !Number.isNaN(until.getTime()) ? { validUntil: until.toISOString() } : {}),
  };
}

/** The day (YYYY-MM-DD) the suite's Release file expired, when it has by `now`. */
export function releaseExpired(release: SuiteRelease, now: Date): string | undefined {
  const until = release.validUntil;
  return until && Date.parse(until) < now.getTime() ? until.slice(0, 10) : undefined;
}

/** Why the suite cannot be used at `now`, or undefined when it can. An expired Release file (a
 * frozen or snapshot mirror) is a problem unless `allowExpired` says to take it anyway. */
export function releaseProblem(
  release: SuiteRelease,
  now: Date,
  allowExpired = false,
): string | undefined {
  const expired = releaseExpired(release, now);
  if (expired && !allowExpired)
    return `its Release file expired on ${expired} (the mirror has not been refreshed since); apt refuses it — set kernels.allowExpired: true in harness.yml or HARNESS_KERNELS_ALLOW_EXPIRED=1 to use it anyway`;
  if (!release.architectures.includes("amd64") && !release.architectures.includes("arm64"))
    return "it carries neither amd64 nor arm64";
  return undefined;
}

// An InRelease file wraps the Release text in an OpenPGP clear signature.
function stripSignature(text: string): string {
  if (!text.startsWith("-----BEGIN PGP SIGNED MESSAGE-----")) return text;
  const body = text.slice(text.indexOf("\n\n") + 2);
  const end = body.indexOf("\n-----BEGIN PGP SIGNATURE-----");
  return end >= 0 ? body.slice(0, end) : body;
}
