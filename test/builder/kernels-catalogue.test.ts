// The kernel catalogue from Debian-format (deb822) Release and Packages texts: which suite is which,
// which suites are refused and why, which packages make a kernel, how names follow the series.
import assert from "node:assert/strict";
import { buildCatalogue, type SuiteIndex } from "../../harness/builder/kernels/catalogue.ts";
import { parseDeb822 } from "../../harness/builder/kernels/deb822.ts";
import { compareDebianVersions } from "../../harness/builder/kernels/debian-version.ts";
import {
  kernelPackages,
  kernelParagraphTexts,
} from "../../harness/builder/kernels/kernel-index.ts";
import { parseRelease, releaseProblem } from "../../harness/builder/kernels/release.ts";
import { discoverSuites } from "../../harness/builder/kernels/suites.ts";
import { findDebianKernel } from "../../harness/builder/kernels/names.ts";
import type { Arch } from "../../harness/arch.ts";

const NOW = new Date("2026-12-06T00:00:00Z");

function release(fields: Record<string, string>): string {
  const all = { Origin: "Debian", Label: "Debian", Architectures: "all amd64 arm64", ...fields };
  return `${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n")}\nMD5Sum:\n 0123 4567 main/binary-amd64/Packages\n`;
}

// A metapackage and the image package it points at, per flavour, as a Packages index lists them.
function packagesText(debArch: string, version: string, abi: string, split = false): string {
  return ["", "cloud-", "rt-"]
    .flatMap((flavour) => {
      const image = `linux-image-${abi}-${flavour}${debArch}`;
      const parts = split
        ? `, linux-binary-${abi}-${flavour}${debArch} (= ${version}), linux-modules-${abi}-${flavour}${debArch} (= ${version})`
        : "";
      return [
        `Package: linux-image-${flavour}${debArch}\nSource: linux-signed-${debArch} (${version})\nVersion: ${version}\nArchitecture: ${debArch}\nDepends: ${image} (= ${version})\nDescription: Linux for ${flavour || "generic "}${debArch}\n continued description line`,
        `Package: ${image}\nVersion: ${version}\nDepends: kmod, linux-base (>= 4.3~), initramfs-tools | linux-initramfs-tool${parts}`,
        `Package: ${image}-dbg\nVersion: ${version}\nDepends: foo`,
        `Package: ${image}-unsigned\nVersion: ${version}\nDepends: foo`,
      ];
    })
    .concat(["Package: hello\nVersion: 2.10-3\nDepends: libc6 (>= 2.34)"])
    .join("\n\n");
}

function index(dist: string, fields: Record<string, string>, arch: Arch, text: string): SuiteIndex {
  const debArch = arch === "x86_64" ? "amd64" : "arm64";
  return {
    release: parseRelease(dist, release(fields)),
    arch,
    packages: kernelPackages(parseDeb822(kernelParagraphTexts(text)), debArch),
  };
}

function bothArches(
  dist: string,
  fields: Record<string, string>,
  version: string,
  abi: string,
  split = false,
): SuiteIndex[] {
  return (["x86_64", "aarch64"] as const).map((arch) =>
    index(
      dist,
      fields,
      arch,
      packagesText(arch === "x86_64" ? "amd64" : "arm64", version, abi, split),
    ),
  );
}

const MIRROR: SuiteIndex[] = [
  ...bothArches(
    "bullseye",
    { Suite: "oldoldstable", Codename: "bullseye", Version: "11.11" },
    "5.10.223-1",
    "5.10.0-32",
  ),
  ...bothArches(
    "bullseye-security",
    { Suite: "oldoldstable-security", Codename: "bullseye-security", Version: "11" },
    "5.10.244-1",
    "5.10.0-35",
  ),
  ...bothArches(
    "bookworm",
    { Suite: "oldstable", Codename: "bookworm", Version: "12.15" },
    "6.1.176-1",
    "6.1.0-50",
  ),
  ...bothArches(
    "bookworm-backports",
    { Suite: "oldstable-backports", Codename: "bookworm-backports" },
    "6.12.95-1~bpo12+1",
    "6.12.95+deb12",
  ),
  ...bothArches(
    "trixie",
    { Suite: "stable", Codename: "trixie", Version: "13.8" },
    "6.12.117-1",
    "6.12.117+deb13",
  ),
  ...bothArches(
    "unstable",
    { Suite: "unstable", Codename: "sid" },
    "7.2.13-1",
    "7.2.13+deb14",
    true,
  ),
  ...bothArches(
    "experimental",
    { Suite: "experimental", Codename: "rc-buggy" },
    "7.3~rc7-1~exp1",
    "7.3",
    true,
  ),
];

describe("kernel catalogue", () => {
  it("reads a deb822 paragraph's fields, continuation lines and comments", () => {
    const [first, second] = parseDeb822(
      "# comment\nPackage: a\nDescription: one\n two\n\n\nPackage: b\n",
    );
    assert.deepEqual(first, { Package: "a", Description: "one\ntwo" });
    assert.deepEqual(second, { Package: "b" });
  });

  it("reads Suite, Codename, Version and Valid-Until from a Release, also clearsigned", () => {
    const signed = `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${release({ Suite: "stable-backports", Codename: "trixie-backports", "Valid-Until": "Fri, 11 Dec 2026 02:09:32 UTC" })}\n-----BEGIN PGP SIGNATURE-----\nxyz\n-----END PGP SIGNATURE-----\n`;
    const read = parseRelease("trixie-backports", signed);
    assert.equal(read.suite, "stable-backports");
    assert.equal(read.codename, "trixie-backports");
    assert.equal(read.version, undefined);
    assert.equal(read.validUntil, "2026-12-11T02:09:32.000Z");
    assert.equal(releaseProblem(read, NOW), undefined);
    assert.match(releaseProblem(read, new Date("2026-12-12")) ?? "", /expired on 2026-12-11/);
  });

  it("orders Debian versions as dpkg does, ~ before the end", () => {
    const sorted = [
      "6.12.95-1~bpo12+1",
      "7.3~rc7-1~exp1",
      "6.12.117-1",
      "7.3-1",
      "6.12.95-1",
      "1:0.1-1",
      "6.1.192-3",
      "6.1.176-1",
    ].sort(compareDebianVersions);
    assert.deepEqual(sorted, [
      "6.1.176-1",
      "6.1.192-3",
      "6.12.95-1~bpo12+1",
      "6.12.95-1",
      "6.12.117-1",
      "7.3~rc7-1~exp1",
      "7.3-1",
      "1:0.1-1",
    ]);
  });

  it("takes the flavour metapackages and their image packages, not -dbg or -unsigned, with split parts", () => {
    const found = kernelPackages(
      parseDeb822(packagesText("arm64", "7.2.13-1", "7.2.13+deb14", true)),
      "arm64",
    );
    assert.deepEqual(
      found.metas.map((m) => [m.flavour, m.package, m.image]),
      [
        ["generic", "linux-image-arm64", "linux-image-7.2.13+deb14-arm64"],
        ["cloud", "linux-image-cloud-arm64", "linux-image-7.2.13+deb14-cloud-arm64"],
        ["rt", "linux-image-rt-arm64", "linux-image-7.2.13+deb14-rt-arm64"],
      ],
    );
    assert.deepEqual(found.builds.find((b) => b.flavour === "cloud")?.parts, [
      "linux-binary-7.2.13+deb14-cloud-arm64",
      "linux-modules-7.2.13+deb14-cloud-arm64",
    ]);
    assert.equal(
      kernelPackages(parseDeb822(packagesText("arm64", "6.1.176-1", "6.1.0-50")), "amd64").metas
        .length,
      0,
    );
  });

  it("names kernels by series; a series already taken by an older release goes by codename; rolling suites by name", () => {
    const catalogue = buildCatalogue(MIRROR, [], NOW);
    const rows = catalogue.kernels.map(
      (k) => `${k.name} ${k.suite} ${k.arches.x86_64?.current.version}`,
    );
    assert.deepEqual(rows, [
      "debian-5.10-cloud bullseye 5.10.244-1",
      "debian-5.10 bullseye 5.10.244-1",
      "debian-5.10-rt bullseye 5.10.244-1",
      "debian-6.1-cloud bookworm 6.1.176-1",
      "debian-6.1 bookworm 6.1.176-1",
      "debian-6.1-rt bookworm 6.1.176-1",
      "debian-6.12-cloud bookworm-backports 6.12.95-1~bpo12+1",
      "debian-6.12 bookworm-backports 6.12.95-1~bpo12+1",
      "debian-6.12-rt bookworm-backports 6.12.95-1~bpo12+1",
      "debian-trixie-cloud trixie 6.12.117-1",
      "debian-trixie trixie 6.12.117-1",
      "debian-trixie-rt trixie 6.12.117-1",
      "debian-sid-cloud unstable 7.2.13-1",
      "debian-sid unstable 7.2.13-1",
      "debian-sid-rt unstable 7.2.13-1",
      "debian-experimental-cloud experimental 7.3~rc7-1~exp1",
      "debian-experimental experimental 7.3~rc7-1~exp1",
      "debian-experimental-rt experimental 7.3~rc7-1~exp1",
    ]);
    const bullseye = catalogue.kernels[0];
    assert.deepEqual(bullseye?.dists, ["bullseye", "bullseye-security"]);
    assert.deepEqual(
      bullseye?.arches.aarch64?.builds.map((b) => b.version),
      ["5.10.244-1", "5.10.223-1"],
    );
  });

  it("pins take a version the suite serves; another is bad input listing the ones it has", () => {
    const catalogue = { ...buildCatalogue(MIRROR, [], NOW), sources: [] };
    assert.equal(
      findDebianKernel(catalogue, { name: "debian-5.10-cloud", pin: "5.10.223-1" }).suite,
      "bullseye",
    );
    assert.throws(
      () => findDebianKernel(catalogue, { name: "debian-5.10-cloud", pin: "5.10.1-1" }),
      (error: Error & { exitCode?: number; hint?: string }) =>
        error.exitCode === 2 &&
        /has: 5\.10\.244-1, 5\.10\.223-1/.test(error.message) &&
        /debian-5\.10-cloud@5\.10\.244-1/.test(error.hint ?? ""),
    );
  });

  it("discovers suites from the roles' Release files; expired and missing ones are listed with the reason", async () => {
    const served: Record<string, string> = {
      "a/oldstable": release({ Suite: "oldstable", Codename: "bookworm", Version: "12.15" }),
      "a/stable": release({ Suite: "stable", Codename: "trixie", Version: "13.8" }),
      "a/testing": release({
        Suite: "testing",
        Codename: "forky",
        "Valid-Until": "Fri, 06 Nov 2026 08:08:01 UTC",
      }),
      "a/unstable": release({
        Suite: "unstable",
        Codename: "sid",
        "Valid-Until": "Fri, 11 Dec 2026 08:08:01 UTC",
      }),
      "a/bookworm-backports": release({
        Suite: "oldstable-backports",
        Codename: "bookworm-backports",
      }),
      "s/trixie-security": release({
        Suite: "stable-security",
        Codename: "trixie-security",
        Version: "13",
      }),
    };
    const found = await discoverSuites(
      { archive: "a", security: "s" },
      (uri, dist) => {
        const text = served[`${uri}/${dist}`];
        return text ? Promise.resolve(text) : Promise.reject(new Error(`HTTP 404 for ${dist}`));
      },
      NOW,
    );
    assert.deepEqual(
      found.served.map((s) => `${s.uri}/${s.release.dist}`),
      ["a/bookworm", "a/bookworm-backports", "a/trixie", "s/trixie-security", "a/unstable"],
    );
    const reasons = Object.fromEntries(found.unreachable.map((u) => [u.dist, u.reason]));
    assert.match(reasons.testing ?? "", /expired on 2026-11-06/);
    assert.match(reasons.oldoldstable ?? "", /HTTP 404/);
    assert.match(reasons["trixie-backports"] ?? "", /HTTP 404/);
  });
});
