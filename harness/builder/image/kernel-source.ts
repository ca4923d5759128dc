// Which kernel an image gets: --kernel (a catalogue name or pin, file:PATH or image:REF), else the YAML's kernel image —
// harness/kernel:NAME for a Debian kernel, any other image as a LinuxKit kernel image.
import type { Arch } from "../../arch.ts";
import type { KernelSpec } from "../yaml/types.ts";
import { inputError } from "../../errors.ts";
import { parseReference } from "../oci/reference.ts";
import type { OciStore } from "../oci/store.ts";
import { fetchDebianKernel, type FetchedKernel } from "../kernels/debian.ts";
import { fetchImageKernel, type ImageKernelRequest } from "../kernels/linuxkit-image.ts";
import { FILE_KERNEL_PREFIX, localFileKernel, localKernelStamp } from "../kernels/local-file.ts";
import { checkKernelFile } from "../kernels/kernel-file-check.ts";
import { DEFAULT_KERNEL, parseKernelRef } from "../kernels/names.ts";
import { KERNEL_REPOSITORY } from "./images.ts";

/** Where a build's kernel comes from. */
export type KernelChoice =
  | { kind: "debian"; spec: string }
  | { kind: "image"; image: ImageKernelRequest }
  | { kind: "file"; path: string; modules?: string };

/** What resolving a kernel may use: the cache, the image store, and whether to pull. */
export interface KernelSource {
  cacheDir: string;
  store: OciStore;
  pull: boolean;
  signal?: AbortSignal;
}

/** The kernel the build uses: `requested` (--kernel) wins over the YAML; `modules` only goes with file:. */
export function chooseKernel(
  kernel: KernelSpec,
  requested: string | undefined,
  modules?: string,
): KernelChoice {
  if (requested?.startsWith(FILE_KERNEL_PREFIX)) {
    const path = requested.slice(FILE_KERNEL_PREFIX.length);
    if (!path)
      throw inputError("EKERNELFILE", `--kernel ${requested} names no file`, {
        hint: "e.g. --kernel file:./vmlinuz",
      });
    // Before anything is fetched or built: a missing or wrong file is the user's to fix.
    checkKernelFile(path);
    return { kind: "file", path, ...(modules !== undefined ? { modules } : {}) };
  }
  if (modules !== undefined) {
    throw inputError("EUSAGE", `--kernel-modules ${modules} only goes with --kernel file:PATH`, {
      hint: "add --kernel file:PATH naming the kernel those modules belong to, or drop --kernel-modules",
    });
  }
  if (requested) {
    const ref = parseKernelRef(requested);
    // A LinuxKit kernel image named on the command line: its kernel and kernel.tar, as in YAML.
    if (ref.kind === "image") return { kind: "image", image: { ref: ref.ref, at: {} } };
    return { kind: "debian", spec: requested };
  }
  if (!kernel.image) return { kind: "debian", spec: DEFAULT_KERNEL };
  const ref = parseReference(kernel.image);
  if (ref.registry === "docker.io" && ref.repository === KERNEL_REPOSITORY) {
    return { kind: "debian", spec: ref.tag && ref.tag !== "latest" ? ref.tag : DEFAULT_KERNEL };
  }
  return { kind: "image", image: imageRequest(kernel, kernel.image) };
}

/** Fetches (or finds in the cache) the chosen kernel for the arch. */
export function resolveKernel(
  choice: KernelChoice,
  arch: Arch,
  source: KernelSource,
): Promise<FetchedKernel> {
  switch (choice.kind) {
    case "debian":
      return fetchDebianKernel(choice.spec, arch, source.cacheDir, source.signal);
    case "image":
      return fetchImageKernel(choice.image, arch, source);
    case "file":
      return localFileKernel(choice.path, choice.modules, arch, source.cacheDir, source.signal);
  }
}

/** File stamps of a local kernel for the build fingerprint; undefined when the YAML and --kernel say it all. */
export async function kernelFingerprint(choice: KernelChoice): Promise<string | undefined> {
  if (choice.kind !== "file") return undefined;
  return `${FILE_KERNEL_PREFIX}${await localKernelStamp(choice.path, choice.modules)}`;
}

function imageRequest(kernel: KernelSpec, ref: string): ImageKernelRequest {
  const at: ImageKernelRequest["at"] = {};
  for (const field of ["image", "binary", "tar"] as const) {
    const where = kernel.at[field];
    if (where) at[field] = where;
  }
  return {
    ref,
    ...(kernel.binary !== undefined ? { binary: kernel.binary } : {}),
    ...(kernel.tar !== undefined ? { tar: kernel.tar } : {}),
    at,
  };
}
