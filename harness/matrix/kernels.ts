// The kernel names a matrix may use: Debian's 6.1 and 6.12 series in generic, cloud and rt flavours.
import type { Arch } from "../cases/types.ts";
import { resolve } from "node:path";
import { checkKernelFile, FILE_KERNEL_PREFIX } from "../build/kernels/kernel-file-check.ts";
import { inputError } from "../errors.ts";
import { choicesHint } from "../util/suggest.ts";

/** One kernel the matrix can name, with the Debian package it comes from on each arch. */
export interface KernelEntry {
  name: string;
  series: "6.1" | "6.12";
  flavour: "generic" | "cloud" | "rt";
  /** Debian metapackage per arch; the suite is bookworm for 6.1 and bookworm-backports for 6.12. */
  packages: Partial<Record<Arch, string>>;
}

const DEBIAN_ARCH: Record<Arch, string> = { x86_64: "amd64", aarch64: "arm64" };

function debianKernel(series: "6.1" | "6.12", flavour: KernelEntry["flavour"]): KernelEntry {
  const suffix = flavour === "generic" ? "" : `${flavour}-`;
  const packages: Partial<Record<Arch, string>> = {};
  for (const arch of ["x86_64", "aarch64"] as const) {
    packages[arch] = `linux-image-${suffix}${DEBIAN_ARCH[arch]}`;
  }
  const name = flavour === "generic" ? `debian-${series}` : `debian-${series}-${flavour}`;
  return { name, series, flavour, packages };
}

/** Every kernel name the matrix knows, in matrix order. */
export const KERNELS: readonly KernelEntry[] = (["6.1", "6.12"] as const).flatMap((series) =>
  (["cloud", "generic", "rt"] as const).map((flavour) => debianKernel(series, flavour)),
);

/** The kernel a cell uses when none is named: the quick-booting cloud flavour of the stable series. */
export const DEFAULT_KERNEL = "debian-6.1-cloud";

/** Names of the kernels available for an arch (all of them, when no arch is given). */
export function kernelNames(arch?: Arch): string[] {
  return KERNELS.filter((k) => arch === undefined || k.packages[arch] !== undefined).map(
    (k) => k.name,
  );
}

/** Checks kernel names given on the command line; unknown ones are a bad-input error. */
export function checkKernelNames(names: readonly string[], flag = "--kernel"): void {
  const known = kernelNames();
  for (const name of names) {
    if (name.startsWith(FILE_KERNEL_PREFIX)) checkFileKernel(name, flag);
    if (!known.includes(name)) {
      throw inputError("EKERNELNOTFOUND", `unknown kernel ${JSON.stringify(name)} in ${flag}`, {
        hint: `${choicesHint(name, known)}; \`harness kernels\` lists them`,
      });
    }
  }
}

// A kernel file is checked first, so a missing or wrong file is reported as what it is; a good one
// still only goes with `harness build`, as cells are named after matrix kernels.
function checkFileKernel(spec: string, flag: string): never {
  const path = resolve(spec.slice(FILE_KERNEL_PREFIX.length));
  if (path === resolve()) {
    throw inputError("EKERNELFILE", `${flag} ${spec} names no file`, {
      hint: "e.g. --kernel file:./vmlinuz",
    });
  }
  checkKernelFile(path);
  throw inputError("EKERNELFILE", `${flag} ${spec}: a kernel file goes with harness build only`, {
    hint: `build the image with \`harness build FILE.yml --kernel ${spec}\`; runs take the kernel names \`harness kernels\` lists`,
  });
}
