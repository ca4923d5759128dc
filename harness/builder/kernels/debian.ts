// Debian kernel packages by matrix name: resolved with the private apt, fetched, verified, unpacked once.
import { mkdir, rename, rm, stat, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { execa } from "execa";
import type { Arch } from "../../arch.ts";
import { HarnessError } from "../../errors.ts";
import { withFileLock } from "../../util/file-lock.ts";
import { findDebianKernel, parseKernelRef } from "./names.ts";
import { aptDownload, type Apt } from "./apt.ts";
import { kernelApt, loadCatalogue } from "./catalogue-store.ts";
import { classicKernelLayout } from "./package-layout.ts";

const DEBIAN_ARCH: Record<Arch, string> = { x86_64: "amd64", aarch64: "arm64" };

/** A kernel unpacked in the cache, with the exact package version it came from. */
export interface FetchedKernel {
  name: string;
  arch: Arch;
  package: string;
  version: string;
  /** What `uname -r` prints in the guest. */
  release: string;
  vmlinuz: string;
  /** lib/modules/<release> of the unpacked package; "" for a kernel without modules. */
  modulesDir: string;
  debSha256: string;
  /** Where it came from: "debian:<suite>", "file:<path>" or "image:<reference>". */
  source: string;
}

/** Fetches (or finds in the cache) the kernel `spec` ("NAME" or "NAME@VERSION") for `arch`. */
export async function fetchDebianKernel(
  spec: string,
  arch: Arch,
  cacheDir: string,
  signal?: AbortSignal,
): Promise<FetchedKernel> {
  const ref = parseKernelRef(spec);
  if (ref.kind !== "debian")
    throw new HarnessError("EKERNELNOTFOUND", `${spec} is not a Debian kernel name`, {
      exitCode: 2,
    });
  const catalogue = await loadCatalogue(cacheDir, signal ? { signal } : {});
  const entry = findDebianKernel(catalogue, ref);
  const builds = entry.arches[arch];
  if (!builds)
    throw new HarnessError(
      "EKERNELNOTFOUND",
      `${entry.name} has no ${arch} build in ${entry.suite}`,
      {
        exitCode: 2,
        hint: `\`harness kernels --arch ${arch}\` lists the kernels for ${arch}`,
      },
    );
  const build =
    ref.pin === undefined ? builds.current : builds.builds.find((b) => b.version === ref.pin);
  // A pin served on one arch only (the other's file missing from the mirror) is not swapped for
  // another version: the cell would record a kernel nobody asked for.
  if (!build)
    throw new HarnessError(
      "EKERNELNOTFOUND",
      `${entry.name}@${ref.pin ?? ""} has no ${arch} build on the mirror (${arch} has: ${builds.builds.map((b) => b.version).join(", ")})`,
      { exitCode: 2, hint: `pin one of those for ${arch}, or run the pin on the other arch only` },
    );
  const debArch = DEBIAN_ARCH[arch];
  const dir = join(
    cacheDir,
    "kernels",
    `${build.package}_${build.version}_${debArch}`.replace(/[^A-Za-z0-9._+-]/g, "_"),
  );
  // An unpacked kernel needs no apt: offline runs keep working once it was fetched.
  await withFileLock(dir, async () => {
    if (await stat(join(dir, "kernel.json")).catch(() => undefined)) return;
    const apt = await kernelApt(catalogue, cacheDir, signal);
    const specs = [build.package, ...build.parts].map((p) => `${p}:${debArch}=${build.version}`);
    await unpackKernel(apt, specs, dir, signal);
  });
  const meta = JSON.parse(await readFile(join(dir, "kernel.json"), "utf8")) as {
    release: string;
    debSha256: string;
  };
  return {
    name: entry.name,
    arch,
    package: build.package,
    version: build.version,
    release: meta.release,
    vmlinuz: join(dir, "boot", `vmlinuz-${meta.release}`),
    modulesDir: join(dir, "lib", "modules", meta.release),
    debSha256: meta.debSha256,
    source: `debian:${entry.suite}`,
  };
}

// Newer Debian kernels split the image package into linux-binary-* and linux-modules-*: all of a
// build's packages are unpacked into one tree.
async function unpackKernel(
  apt: Apt,
  specs: readonly string[],
  dir: string,
  signal?: AbortSignal,
): Promise<void> {
  const work = `${dir}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  const debs = await aptDownload(apt, specs, join(work, "deb"), signal);
  if (debs.length === 0)
    throw new HarnessError("EAPT", `apt-get download ${specs.join(" ")} produced no .deb`);
  for (const deb of debs)
    await execa("dpkg-deb", ["-x", deb, work], signal ? { cancelSignal: signal } : {});
  const release = await classicKernelLayout(work);
  if (!release)
    throw new HarnessError(
      "EKERNELPACKAGE",
      `${specs.join(" ")} hold no /boot/vmlinuz-* nor /usr/lib/modules/*/vmlinuz`,
    );
  // The package's postinst would index the modules; unpacked by hand, we do it here.
  await execa("depmod", ["-b", work, release]);
  const hash = createHash("sha256");
  for (const deb of [...debs].sort()) hash.update(await readFile(deb));
  const debSha256 = hash.digest("hex");
  await rm(join(work, "deb"), { recursive: true, force: true });
  await writeFile(join(work, "kernel.json"), JSON.stringify({ release, debSha256 }));
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, ".."), { recursive: true });
  await rename(work, dir);
}
