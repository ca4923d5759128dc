// The kernels a matrix may use: names from the Debian catalogue (the suites the mirror serves, by
// series and flavour), pins NAME@VERSION, file:PATH (a kernel just built) and LinuxKit kernel images.
// Known names are checked without the network; only an unknown name or a pin reads the catalogue.
import { createHash } from "node:crypto";
import { basename, resolve } from "node:path";
import { readFileSync } from "node:fs";
import type { Arch } from "../../arch.ts";
import { buildContext } from "../context.ts";
import { checkKernelFile, FILE_KERNEL_PREFIX } from "./kernel-file-check.ts";
import { cachedCatalogue, loadCatalogue, type StoredCatalogue } from "./catalogue-store.ts";
import type { CatalogueKernel } from "./catalogue.ts";
import { parseReference } from "../oci/reference.ts";
import { inputError } from "../../errors.ts";
import { choicesHint } from "../../util/suggest.ts";

/** The kernel a cell uses when none is named: the quick-booting cloud flavour of the stable series. */
export const DEFAULT_KERNEL = "debian-6.1-cloud";

/** Names valid before any catalogue was fetched: the ones presets, cases and workflows have always used. */
export const BUILTIN_KERNELS: readonly string[] = ["6.1", "6.12"].flatMap((series) =>
  ["-cloud", "", "-rt"].map((suffix) => `debian-${series}${suffix}`),
);

/** The prefix that marks a LinuxKit kernel image from an OCI registry. */
export const IMAGE_KERNEL_PREFIX = "image:";

/** What a --kernel value names. */
export type KernelRef =
  | { kind: "debian"; name: string; pin?: string }
  | { kind: "file"; path: string }
  | { kind: "image"; ref: string };

/** Reads a --kernel value: file:PATH, image:REF (or a reference with a "/"), else NAME[@VERSION]. */
export function parseKernelRef(spec: string): KernelRef {
  if (spec.startsWith(FILE_KERNEL_PREFIX))
    return { kind: "file", path: resolve(spec.slice(FILE_KERNEL_PREFIX.length)) };
  if (spec.startsWith(IMAGE_KERNEL_PREFIX))
    return { kind: "image", ref: spec.slice(IMAGE_KERNEL_PREFIX.length) };
  if (spec.includes("/")) return { kind: "image", ref: spec };
  const at = spec.indexOf("@");
  return at < 0
    ? { kind: "debian", name: spec }
    : { kind: "debian", name: spec.slice(0, at), pin: spec.slice(at + 1) };
}

/** The name a cell carries: the spec itself for catalogue names and pins; "file-<basename>-<sha>" for
 * a kernel file (stable while the file is the same); "image-<repository>-<tag>" for an image. */
export function kernelCellName(spec: string): string {
  const ref = parseKernelRef(spec);
  if (ref.kind === "debian") return spec;
  if (ref.kind === "file") {
    const sha = createHash("sha256").update(readFileSync(ref.path)).digest("hex");
    return `file-${safe(basename(ref.path))}-${sha.slice(0, 12)}`;
  }
  const parsed = parseReference(ref.ref);
  const tag = parsed.digest
    ? parsed.digest.replace(/^sha256:/, "").slice(0, 12)
    : (parsed.tag ?? "latest");
  return `image-${safe(parsed.repository.split("/").pop() ?? "kernel")}-${safe(tag)}`;
}

/** The arches a kernel can serve: a catalogue entry's, a kernel file's by its header, else both. */
export function kernelArches(spec: string, cacheDir = buildContext(process.env).cacheDir): Arch[] {
  const ref = parseKernelRef(spec);
  if (ref.kind === "debian") {
    const entry = cachedCatalogue(cacheDir)?.kernels.find((k) => k.name === ref.name);
    if (entry) return (["x86_64", "aarch64"] as const).filter((a) => entry.arches[a]);
  }
  if (ref.kind === "file") {
    const kind = fileKind(ref.path);
    if (kind === "x86_64 bzImage") return ["x86_64"];
    if (kind === "arm64 Image") return ["aarch64"];
  }
  return ["x86_64", "aarch64"];
}

/** Arches a catalogue kernel lists but the mirror has no build for, with why: their cells are
 * skipped with that reason rather than left out unseen. */
export function kernelUnavailable(
  spec: string,
  cacheDir = buildContext(process.env).cacheDir,
): Partial<Record<Arch, string>> {
  const ref = parseKernelRef(spec);
  if (ref.kind !== "debian") return {};
  const entry = cachedCatalogue(cacheDir)?.kernels.find((k) => k.name === ref.name);
  return entry?.unavailable ?? {};
}

/** Checks --kernel values (or a preset's kernels); bad ones are a bad-input error naming `flag`. */
export async function checkKernelNames(
  specs: readonly string[],
  flag = "--kernel",
  cacheDir = buildContext(process.env).cacheDir,
): Promise<void> {
  for (const spec of specs) {
    const ref = parseKernelRef(spec);
    if (ref.kind === "file") checkFileKernel(spec, flag);
    else if (ref.kind === "image") checkImageKernel(spec, ref.ref, flag);
    else await checkDebianKernel(ref, flag, cacheDir);
  }
}

/** The catalogue entry and exact build a Debian spec names on an arch; bad input when none. */
export function findDebianKernel(
  catalogue: StoredCatalogue,
  ref: { name: string; pin?: string },
): CatalogueKernel {
  const entry = catalogue.kernels.find((k) => k.name === ref.name);
  if (!entry) {
    const names = catalogue.kernels.map((k) => k.name);
    const missing = catalogue.unreachable.map((u) => u.dist).join(", ");
    throw inputError("EKERNELNOTFOUND", `unknown kernel ${JSON.stringify(ref.name)}`, {
      hint: `${choicesHint(ref.name, names)}; \`harness kernels\` lists them${missing ? ` (suites not reachable now: ${missing})` : ""}`,
    });
  }
  if (ref.pin === undefined) return entry;
  const versions = pinVersions(entry);
  if (!versions.includes(ref.pin)) {
    throw inputError(
      "EKERNELNOTFOUND",
      `${entry.name} has no version ${JSON.stringify(ref.pin)} in ${entry.suite} (it has: ${versions.join(", ")})`,
      { hint: `pin one of those, e.g. --kernel ${entry.name}@${versions[0] ?? "VERSION"}` },
    );
  }
  return entry;
}

/** The versions a catalogue kernel can be pinned to, newest first. */
export function pinVersions(entry: CatalogueKernel): string[] {
  const all = Object.values(entry.arches).flatMap((a) => a.builds.map((b) => b.version));
  return [...new Set(all)];
}

async function checkDebianKernel(
  ref: { name: string; pin?: string },
  flag: string,
  cacheDir: string,
): Promise<void> {
  if (ref.pin === "")
    throw inputError("EKERNELNOTFOUND", `${flag} ${ref.name}@ pins no version`, {
      hint: `write ${ref.name}@VERSION; \`harness kernels --versions\` lists them`,
    });
  const cached = cachedCatalogue(cacheDir);
  const known = (cached?.kernels ?? []).map((k) => k.name);
  if (ref.pin === undefined && (BUILTIN_KERNELS.includes(ref.name) || known.includes(ref.name)))
    return;
  const entry = cached?.kernels.find((k) => k.name === ref.name);
  if (entry && ref.pin !== undefined && pinVersions(entry).includes(ref.pin)) return;
  const catalogue = await loadCatalogue(cacheDir);
  try {
    findDebianKernel(catalogue, ref);
  } catch (error) {
    throw inputError("EKERNELNOTFOUND", `${(error as Error).message} in ${flag}`, {
      hint: (error as { hint?: string }).hint ?? "`harness kernels` lists them",
    });
  }
}

function checkFileKernel(spec: string, flag: string): void {
  const path = spec.slice(FILE_KERNEL_PREFIX.length);
  if (path === "") {
    throw inputError("EKERNELFILE", `${flag} ${spec} names no file`, {
      hint: "e.g. --kernel file:./vmlinuz",
    });
  }
  checkKernelFile(resolve(path));
}

function checkImageKernel(spec: string, ref: string, flag: string): void {
  try {
    parseReference(ref);
  } catch (error) {
    throw inputError(
      "EKERNELNOTFOUND",
      `${flag} ${spec} is not an image reference: ${(error as Error).message}`,
      {
        hint: "e.g. --kernel image:linuxkit/kernel:6.6.71",
      },
    );
  }
}

function fileKind(path: string): ReturnType<typeof checkKernelFile> | undefined {
  try {
    return checkKernelFile(path);
  } catch {
    return undefined;
  }
}

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9._+-]/g, "_");
}
