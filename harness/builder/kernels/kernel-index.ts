// The kernel packages of one suite and arch, read from its Packages index: the flavour metapackages
// (linux-image-cloud-amd64 …) and the versioned image packages they point at, with the packages a
// split kernel needs beside its image (newer Debian kernels put the binary and the modules apart).
import { dependsNames, field, type Deb822Paragraph } from "./deb822.ts";

/** A kernel flavour Debian builds. */
export type Flavour = "generic" | "cloud" | "rt";

/** One installable kernel build: the image package, its version and the packages unpacked with it. */
export interface KernelBuild {
  package: string;
  version: string;
  /** linux-binary-* and linux-modules-* packages of the same build, when the image is split. */
  parts: string[];
  /** Where the mirror keeps the image's and its parts' .deb files (absolute URLs), when known. */
  urls?: string[];
}

/** A flavour metapackage's record: its version and the image package it depends on. */
export interface FlavourMeta {
  flavour: Flavour;
  package: string;
  version: string;
  image: string;
}

/** What a Packages index says about kernels. */
export interface KernelPackages {
  metas: FlavourMeta[];
  builds: (KernelBuild & { flavour: Flavour })[];
}

const META = /^linux-image-(?:(cloud|rt)-)?(amd64|arm64)$/;
const IMAGE = /^linux-image-(\d[\w.+~-]*?)-(?:(cloud|rt)-)?(amd64|arm64)$/;

/** The kernel packages among a Packages index's paragraphs, for the Debian arch `debArch`; with
 * `mirror` (the archive's URI), each build carries the URLs of its .deb files. */
export function kernelPackages(
  paragraphs: readonly Deb822Paragraph[],
  debArch: string,
  mirror?: string,
): KernelPackages {
  const metas: FlavourMeta[] = [];
  const builds: KernelPackages["builds"] = [];
  const files = new Map<string, string>();
  for (const paragraph of paragraphs) {
    const name = field(paragraph, "Package") ?? "";
    const version = field(paragraph, "Version") ?? "";
    if (!version) continue;
    const filename = field(paragraph, "Filename");
    if (filename) files.set(`${name}=${version}`, filename);
    const depends = dependsNames(field(paragraph, "Depends"));
    const meta = META.exec(name);
    if (meta && meta[2] === debArch) {
      const image = depends.find((d) => IMAGE.test(d));
      if (image) metas.push({ flavour: flavourOf(meta[1]), package: name, version, image });
      continue;
    }
    const image = IMAGE.exec(name);
    if (image && image[3] === debArch) {
      const parts = depends.filter((d) => /^linux-(binary|modules)-\d/.test(d));
      builds.push({ flavour: flavourOf(image[2]), package: name, version, parts });
    }
  }
  if (mirror === undefined) return { metas, builds };
  return { metas, builds: builds.map((build) => withUrls(build, files, mirror)) };
}

// A build whose image or a part has no Filename in this index gets no URLs: nothing known to probe.
function withUrls<T extends KernelBuild>(build: T, files: Map<string, string>, mirror: string): T {
  const names = [build.package, ...build.parts].map((p) => files.get(`${p}=${build.version}`));
  if (names.some((n) => n === undefined)) return build;
  const base = mirror.replace(/\/$/, "");
  return { ...build, urls: names.map((n) => `${base}/${n as string}`) };
}

/** Only the paragraphs of kernel packages (images, and the binary and modules parts of split ones),
 * cut out of a whole index's text before parsing it. */
export function kernelParagraphTexts(text: string): string {
  return text
    .split(/\n\n+/)
    .filter((block) => /^Package: linux-(image|binary|modules)-/.test(block))
    .join("\n\n");
}

function flavourOf(match: string | undefined): Flavour {
  return match === "cloud" || match === "rt" ? match : "generic";
}
