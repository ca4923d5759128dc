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

/** Why apt would refuse the suite at `now`, or undefined when it would take it. */
export function releaseProblem(release: SuiteRelease, now: Date): string | undefined {
  if (release.validUntil && Date.parse(release.validUntil) < now.getTime())
    return `its Release file expired on ${release.validUntil.slice(0, 10)} (the mirror has not been refreshed since); apt refuses it`;
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
