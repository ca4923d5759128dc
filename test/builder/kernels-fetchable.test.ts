// What the catalogue offers when the mirror lacks files its index lists (a name falls back to the
// newest build that is there, an arch with none is marked unavailable), and the expired-suite
// policy (a frozen mirror's suites listed with how to allow them, or used and marked expired).
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatDeb822 } from "../../harness/builder/kernels/apt-sources.ts";
import {
  buildCatalogue,
  type Catalogue,
  type SuiteIndex,
} from "../../harness/builder/kernels/catalogue.ts";
import { parseDeb822 } from "../../harness/builder/kernels/deb822.ts";
import { ALLOW_EXPIRED_ENV, expiredPolicy } from "../../harness/builder/kernels/expired-policy.ts";
import { settleFetchable } from "../../harness/builder/kernels/fetchable.ts";
import {
  kernelPackages,
  kernelParagraphTexts,
} from "../../harness/builder/kernels/kernel-index.ts";
import { parseRelease } from "../../harness/builder/kernels/release.ts";
import { discoverSuites, servedSources } from "../../harness/builder/kernels/suites.ts";
import { pinVersions } from "../../harness/builder/kernels/names.ts";
import type { Arch } from "../../harness/arch.ts";
import { harness, tempDir } from "../helpers/cli.ts";

const NOW = new Date("2026-12-06T00:00:00Z");
const ARCHIVE = "http://mirror.example/debian";
const SECURITY = "http://mirror.example/debian-security";

// The cloud flavour's metapackage and image of one build, with their pool Filenames.
function packagesText(debArch: string, version: string, abi: string, split = false): string {
  const image = `linux-image-${abi}-cloud-${debArch}`;
  const pool = `pool/main/l/linux-signed-${debArch}`;
  const partNames = split
    ? [`linux-binary-${abi}-cloud-${debArch}`, `linux-modules-${abi}-cloud-${debArch}`]
    : [];
  const parts = partNames.map((p) => `, ${p} (= ${version})`).join("");
  return [
    `Package: linux-image-cloud-${debArch}\nVersion: ${version}\nDepends: ${image} (= ${version})\nFilename: pool/main/l/linux-meta/meta_${version}_${debArch}.deb`,
    `Package: ${image}\nVersion: ${version}\nDepends: kmod${parts}\nFilename: ${pool}/${image}_${version}_${debArch}.deb`,
    ...partNames.map(
      (p) =>
        `Package: ${p}\nVersion: ${version}\nFilename: pool/main/l/linux/${p}_${version}_${debArch}.deb`,
    ),
  ].join("\n\n");
}

function suite(
  dist: string,
  fields: Record<string, string>,
  mirror: string,
  builds: readonly (readonly [string, string])[],
  arches: readonly Arch[] = ["x86_64", "aarch64"],
): SuiteIndex[] {
  const text = `Origin: Debian\nArchitectures: amd64 arm64\n${Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n")}\n`;
  return arches.map((arch) => {
    const debArch = arch === "x86_64" ? "amd64" : "arm64";
    const index = builds.map(([version, abi]) => packagesText(debArch, version, abi)).join("\n\n");
    return {
      release: parseRelease(dist, text),
      arch,
      packages: kernelPackages(parseDeb822(kernelParagraphTexts(index)), debArch, mirror),
    };
  });
}

// bullseye and its security suite, whose arm64 .debs the mirror does not have.
const BULLSEYE: SuiteIndex[] = [
  ...suite("bullseye", { Suite: "oldoldstable", Codename: "bullseye", Version: "11.11" }, ARCHIVE, [
    ["5.10.223-1", "5.10.0-32"],
  ]),
  ...suite(
    "bullseye-security",
    { Suite: "oldoldstable-security", Codename: "bullseye-security", Version: "11" },
    SECURITY,
    [
      ["5.10.262-1", "5.10.0-46"],
      ["5.10.259-1", "5.10.0-45"],
    ],
  ),
];

// Says a file is missing when its URL matches; other files are there.
function mirrorWithout(missing: RegExp, asked: string[] = []) {
  return (url: string) => {
    asked.push(url);
    return Promise.resolve(missing.test(url) ? "HTTP 404" : undefined);
  };
}

describe("kernel catalogue against what the mirror really has", () => {
  it("gives each build the URLs of its image and split parts from the index's Filename fields", () => {
    const found = kernelPackages(
      parseDeb822(kernelParagraphTexts(packagesText("arm64", "7.3.4-1", "7.3.4+deb13", true))),
      "arm64",
      `${ARCHIVE}/`,
    );
    assert.deepEqual(found.builds[0]?.urls, [
      `${ARCHIVE}/pool/main/l/linux-signed-arm64/linux-image-7.3.4+deb13-cloud-arm64_7.3.4-1_arm64.deb`,
      `${ARCHIVE}/pool/main/l/linux/linux-binary-7.3.4+deb13-cloud-arm64_7.3.4-1_arm64.deb`,
      `${ARCHIVE}/pool/main/l/linux/linux-modules-7.3.4+deb13-cloud-arm64_7.3.4-1_arm64.deb`,
    ]);
  });

  it("a name falls back on one arch to the newest build the mirror has, saying which it stands in for", async () => {
    const asked: string[] = [];
    const catalogue = await settleFetchable(
      buildCatalogue(BULLSEYE, [], NOW),
      mirrorWithout(/debian-security\/.*_arm64\.deb$/, asked),
    );
    const kernel = catalogue.kernels.find((k) => k.name === "debian-5.10-cloud");
    assert.equal(kernel?.arches.x86_64?.current.version, "5.10.262-1");
    assert.equal(kernel?.arches.x86_64?.fallback, undefined);
    assert.equal(kernel?.arches.aarch64?.current.version, "5.10.223-1");
    assert.equal(kernel?.arches.aarch64?.fallback?.listed, "5.10.262-1");
    assert.match(
      kernel?.arches.aarch64?.fallback?.reason ?? "",
      /linux-image-5\.10\.0-46-cloud-arm64.*HTTP 404/,
    );
    assert.deepEqual(
      kernel?.arches.aarch64?.builds.map((b) => b.version),
      ["5.10.223-1"],
    );
    // Pins list what either arch can fetch; each URL is asked once.
    assert.deepEqual(kernel && pinVersions(kernel), ["5.10.262-1", "5.10.259-1", "5.10.223-1"]);
    assert.equal(new Set(asked).size, asked.length);
  });

  it("an arch none of whose builds is on the mirror is unavailable with the reason; an unanswered probe keeps a build", async () => {
    const catalogue = await settleFetchable(buildCatalogue(BULLSEYE, [], NOW), (url) =>
      url.endsWith("_arm64.deb")
        ? Promise.resolve("HTTP 404")
        : url.includes("5.10.262")
          ? Promise.reject(new Error("connection reset"))
          : Promise.resolve(undefined),
    );
    const kernel = catalogue.kernels.find((k) => k.name === "debian-5.10-cloud");
    assert.equal(kernel?.arches.aarch64, undefined);
    assert.match(
      kernel?.unavailable?.aarch64 ?? "",
      /none of its 3 builds is on the mirror .*HTTP 404/,
    );
    assert.equal(kernel?.arches.x86_64?.current.version, "5.10.262-1");
  });
});

describe("suites whose Release file expired", () => {
  const releases: Record<string, string> = {
    "a/stable":
      "Suite: stable\nCodename: trixie\nVersion: 13.8\nArchitectures: amd64 arm64\nValid-Until: Fri, 11 Dec 2026 08:00:00 UTC\n",
    "a/unstable":
      "Suite: unstable\nCodename: sid\nArchitectures: amd64 arm64\nValid-Until: Fri, 06 Nov 2026 08:08:01 UTC\n",
  };
  const fetchRelease = (uri: string, dist: string) => {
    const text = releases[`${uri}/${dist}`];
    return text ? Promise.resolve(text) : Promise.reject(new Error("HTTP 404"));
  };

  it("are not used by default, and the reason says how to allow them", async () => {
    const found = await discoverSuites({ archive: "a" }, fetchRelease, NOW);
    assert.deepEqual(
      found.served.map((s) => s.release.dist),
      ["trixie"],
    );
    const reason = found.unreachable.find((u) => u.dist === "unstable")?.reason ?? "";
    assert.match(reason, /expired on 2026-11-06/);
    assert.match(
      reason,
      /kernels\.allowExpired: true in harness\.yml or HARNESS_KERNELS_ALLOW_EXPIRED=1/,
    );
  });

  it("when allowed are used, marked expired in the catalogue, and only their own apt stanza skips the date check", async () => {
    const found = await discoverSuites({ archive: "a" }, fetchRelease, NOW, { allowExpired: true });
    assert.deepEqual(
      found.served.map((s) => [s.release.dist, s.expired]),
      [
        ["trixie", undefined],
        ["unstable", "2026-11-06"],
      ],
    );
    const text = formatDeb822(servedSources(found.served));
    const stanzas = text.trim().split("\n\n");
    assert.equal(stanzas.length, 2);
    assert.ok(
      stanzas.some((s) => /Suites: unstable\n.*\nCheck-Valid-Until: no/s.test(s)),
      text,
    );
    assert.ok(
      stanzas.some((s) => /Suites: trixie/.test(s) && !/Check-Valid-Until/.test(s)),
      text,
    );

    const sid = suite(
      "unstable",
      { Suite: "unstable", Codename: "sid", "Valid-Until": "Fri, 06 Nov 2026 08:08:01 UTC" },
      ARCHIVE,
      [["7.2.13-1", "7.2.13+deb14"]],
    );
    const catalogue = buildCatalogue([...BULLSEYE, ...sid], [], NOW);
    assert.equal(
      catalogue.kernels.find((k) => k.name === "debian-sid-cloud")?.expired,
      "2026-11-06",
    );
    assert.equal(catalogue.kernels.find((k) => k.name === "debian-5.10-cloud")?.expired, undefined);
  });

  it("the policy is off by default, set in harness.yml, and the environment variable wins", async () => {
    const dir = await tempDir();
    assert.deepEqual(expiredPolicy({}, dir), { allow: false, from: "default" });
    await writeFile(join(dir, "harness.yml"), "kernels:\n  allowExpired: true\n");
    assert.deepEqual(expiredPolicy({}, dir), { allow: true, from: "harness.yml" });
    assert.deepEqual(expiredPolicy({ [ALLOW_EXPIRED_ENV]: "0" }, dir), {
      allow: false,
      from: ALLOW_EXPIRED_ENV,
    });
    assert.throws(
      () => expiredPolicy({ [ALLOW_EXPIRED_ENV]: "maybe" }, dir),
      (error: Error & { exitCode?: number }) =>
        error.exitCode === 2 && error.message.includes(`${ALLOW_EXPIRED_ENV}=maybe`),
    );
  });
});

// Writes a fresh stored catalogue into a cache folder, as a refresh under the allowing policy would.
async function storeCatalogue(catalogue: Catalogue): Promise<string> {
  const cache = await tempDir();
  const stored = {
    ...catalogue,
    sources: [],
    expiredPolicy: { allow: true, from: ALLOW_EXPIRED_ENV },
  };
  await mkdir(join(cache, "apt-kernels"), { recursive: true });
  await writeFile(join(cache, "apt-kernels", "catalogue.json"), JSON.stringify(stored));
  return cache;
}

describe("harness kernels on a catalogue with a fallback and expired suites", () => {
  it("matrix skips, with the reason, the cells of an arch the mirror has no build for", async () => {
    const cache = await storeCatalogue(
      await settleFetchable(
        buildCatalogue(BULLSEYE, [], new Date()),
        mirrorWithout(/_arm64\.deb$/),
      ),
    );
    const result = await harness(
      [
        "matrix",
        "boot",
        "--platform",
        "qemu",
        "--arch",
        "x86_64,aarch64",
        "--kernel",
        "debian-5.10-cloud",
        "--shards",
        "1",
        "--format",
        "json",
      ],
      { env: { HARNESS_CACHE: cache, [ALLOW_EXPIRED_ENV]: "1" } },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    const cells = (JSON.parse(result.stdout) as { cells: { arch: string; skip?: string }[] }).cells;
    assert.equal(cells.find((c) => c.arch === "x86_64")?.skip, undefined);
    assert.match(
      cells.find((c) => c.arch === "aarch64")?.skip ?? "",
      /debian-5\.10-cloud has no aarch64 build: none of its 3 builds is on the mirror/,
    );
  });

  it("says which build an arch boots instead of the listed one, and which suites are expired", async () => {
    const sid = suite(
      "unstable",
      { Suite: "unstable", Codename: "sid", "Valid-Until": "Fri, 06 Nov 2026 08:08:01 UTC" },
      ARCHIVE,
      [["7.2.13-1", "7.2.13+deb14"]],
    );
    const built = await settleFetchable(
      buildCatalogue([...BULLSEYE, ...sid], [], new Date()),
      mirrorWithout(/debian-security\/.*_arm64\.deb$/),
    );
    const cache = await storeCatalogue(built);
    const result = await harness(["kernels"], {
      env: { HARNESS_CACHE: cache, [ALLOW_EXPIRED_ENV]: "1" },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stdout,
      /^debian-5\.10-cloud +bullseye +5\.10\.262-1 +x86_64,aarch64 *\n {2}aarch64: 5\.10\.223-1 \(5\.10\.262-1 is listed but not on the mirror: \S+linux-image-5\.10\.0-46-cloud-arm64_5\.10\.262-1_arm64\.deb: HTTP 404\)$/m,
    );
    assert.match(
      result.stdout,
      /^debian-sid-cloud +unstable +7\.2\.13-1 +x86_64,aarch64 +expired 2026-11-06$/m,
    );
    assert.match(result.stdout, /expired are used .*set by HARNESS_KERNELS_ALLOW_EXPIRED/);
  });
});
