// `--kernel file:PATH`: a kernel binary from the local disk, with modules from --kernel-modules or none.
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { Arch } from "../../arch.ts";
import { inputError } from "../../errors.ts";
import type { FetchedKernel } from "./debian.ts";
import { checkKernelFile, FILE_KERNEL_PREFIX } from "./kernel-file-check.ts";
import { inspectKernelFile } from "./kernel-release.ts";
import { fileStamp, sha256File } from "./file-stamp.ts";
import { localModules, modulesStamp } from "./local-modules.ts";

export { FILE_KERNEL_PREFIX } from "./kernel-file-check.ts";

/** The kernel at `path` for `arch`; `modules` (a folder or tarball) is optional. */
export async function localFileKernel(
  path: string,
  modules: string | undefined,
  arch: Arch,
  cacheDir: string,
  signal?: AbortSignal,
): Promise<FetchedKernel> {
  const vmlinuz = resolve(path);
  checkKernelFile(vmlinuz);
  const facts = await inspectKernelFile(vmlinuz);
  if (facts.arch && facts.arch !== arch) {
    throw inputError("EKERNELFILE", `kernel file ${path} is an ${facts.arch} kernel, not ${arch}`, {
      hint: `build with --arch ${facts.arch}, or pass a kernel built for ${arch}`,
    });
  }
  const sha256 = await sha256File(vmlinuz);
  const found = modules === undefined ? undefined : await localModules(modules, cacheDir, signal);
  if (found && facts.release && found.release !== facts.release) {
    throw inputError(
      "EKERNELMODULES",
      `--kernel-modules ${modules} holds modules for ${found.release}, but kernel file ${path} is ${facts.release}`,
      { hint: `pass the lib/modules/${facts.release} that was built with this kernel` },
    );
  }
  return {
    name: `${FILE_KERNEL_PREFIX}${vmlinuz}`,
    arch,
    package: `${FILE_KERNEL_PREFIX}${vmlinuz}`,
    version: facts.release ?? sha256,
    release: found?.release ?? facts.release ?? "unknown",
    vmlinuz,
    modulesDir: found?.modulesDir ?? "",
    // The build's cache key reads this, so it covers the modules as well as the binary.
    debSha256: found
      ? createHash("sha256").update(`${sha256}\0${found.identity}`).digest("hex")
      : sha256,
    source: `${FILE_KERNEL_PREFIX}${vmlinuz}`,
  };
}

/** A cheap stamp of a local kernel and its modules, so the build fingerprint notices when either changes. */
export async function localKernelStamp(path: string, modules: string | undefined): Promise<string> {
  const kernel = `${resolve(path)}|${await fileStamp(resolve(path))}`;
  return modules === undefined ? kernel : `${kernel}|${await modulesStamp(modules)}`;
}
