// Which kernel an image gets: --kernel (the matrix's choice), else the YAML's harness/kernel:NAME.
import type { Arch } from "../../cases/types.ts";
import type { KernelSpec } from "../yaml/types.ts";
import { HarnessError } from "../../errors.ts";
import { parseReference } from "../oci/reference.ts";
import { fetchDebianKernel, type FetchedKernel } from "../kernels/debian.ts";
import { DEFAULT_KERNEL } from "../../matrix/kernels.ts";
import { KERNEL_REPOSITORY } from "./images.ts";

/** The kernel spec ("debian-6.12@VERSION") the build uses. */
export function chooseKernel(kernel: KernelSpec, requested: string | undefined): string {
  if (requested) return requested;
  if (!kernel.image) return DEFAULT_KERNEL;
  const ref = parseReference(kernel.image);
  if (ref.registry === "docker.io" && ref.repository === KERNEL_REPOSITORY) {
    return ref.tag && ref.tag !== "latest" ? ref.tag : DEFAULT_KERNEL;
  }
  throw new HarnessError(
    "EKERNELIMAGE",
    `kernel image ${kernel.image} is a LinuxKit kernel image, which this builder cannot use yet`,
    {
      exitCode: 2,
      ...(kernel.at.image ? { at: kernel.at.image } : {}),
      hint: `use image: ${KERNEL_REPOSITORY}:${DEFAULT_KERNEL} in the YAML, or pass --kernel NAME`,
    },
  );
}

/** Fetches the chosen kernel for the arch. */
export function resolveKernel(
  spec: string,
  arch: Arch,
  cacheDir: string,
  signal?: AbortSignal,
): Promise<FetchedKernel> {
  return fetchDebianKernel(spec, arch, cacheDir, signal);
}
