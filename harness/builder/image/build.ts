// `harness build`: LinuxKit YAML → kernel + initrd, cached by the hash of everything resolved.
import { createHash } from "node:crypto";
import { copyFile, link, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, join, sep } from "node:path";
import type { Arch } from "../../arch.ts";
import { HarnessError } from "../../errors.ts";
import { withFileLock } from "../../util/file-lock.ts";
import { loadImageConfig } from "../yaml/load.ts";
import type { ContainerSpec, ImageConfig } from "../yaml/types.ts";
import type { OciStore, ResolvedImage } from "../oci/store.ts";
import type { FetchedKernel } from "../kernels/debian.ts";
import { writeCpio, charDevice } from "../initrd/cpio.ts";
import {
  chooseKernel,
  kernelFingerprint,
  resolveKernel,
  type KernelChoice,
} from "./kernel-source.ts";
import { resolveImage } from "./images.ts";
import { assembleRootfs } from "./rootfs.ts";
import { runtimeSpec } from "./runtime-spec.ts";
import { ensureFormat, findFormat, type FormatSpec } from "../disk/formats.ts";
import { DEFAULT_MODULES } from "../kernels/modules.ts";
import { buildFingerprint, lookupFingerprint, rememberFingerprint } from "./fingerprint.ts";

/** Bumped whenever the builder's output for the same inputs changes. */
export const IMAGE_BUILDER_VERSION = "3";

/** What to build and where things live. */
export interface BuildRequest {
  files: readonly string[];
  arch: Arch;
  /** Output formats beyond kernel+initrd (raw-bios, gcp, iso-bios). */
  formats?: readonly string[];
  /** A kernel spec ("debian-6.12", "debian-6.1@6.1.176-1", "file:PATH"); overrides the YAML's. */
  kernel?: string;
  /** Modules for a file: kernel: a folder holding lib/modules/<release>, or a tarball of it. */
  kernelModules?: string;
  outDir: string;
  /** Defaults to the first file's name without .yml. */
  name?: string;
  cacheDir: string;
  pkgRoot: string;
  store: OciStore;
  pull: boolean;
  signal?: AbortSignal;
}

/** What a build produced and from what, as written to build.json. */
export interface BuildRecord {
  name: string;
  arch: Arch;
  key: string;
  cached: boolean;
  kernel: {
    name: string;
    package: string;
    version: string;
    release: string;
    debSha256: string;
    /** "debian:<suite>", "file:<path>" or "image:<reference>"; absent in records of older builds. */
    source?: string;
  };
  cmdline: string;
  images: { ref: string; digest: string; role: string }[];
  modules: string[];
  outputs: { kernel: string; initrd: string; cmdline: string };
  sha256: { kernel: string; initrd: string };
}

/** Builds (or finds in the cache) the image and puts NAME-kernel, NAME-initrd.img, NAME-cmdline in outDir. */
export async function buildImage(request: BuildRequest): Promise<BuildRecord> {
  const formats = (request.formats ?? []).map((f) => findFormat(f, request.arch));
  const config = await loadImageConfig(request.files);
  if (config.volumes.length > 0) {
    throw new HarnessError("EUNSUPPORTED", "volumes: are not supported by this builder yet", {
      exitCode: 2,
      ...(config.volumes[0] ? { at: config.volumes[0].at } : {}),
    });
  }
  const name = request.name ?? basename(request.files[0] ?? "image").replace(/\.ya?ml$/, "");
  const kernel = chooseKernel(config.kernel, request.kernel, request.kernelModules);
  const fingerprintInputs = {
    config,
    arch: request.arch,
    kernel: (await kernelFingerprint(kernel)) ?? request.kernel,
    name,
    builderVersion: IMAGE_BUILDER_VERSION,
    cacheDir: request.cacheDir,
    pkgRoot: request.pkgRoot,
    storeRoot: request.store.root,
  };
  const before = await buildFingerprint(fingerprintInputs);
  const known = await lookupFingerprint(request.cacheDir, before);
  let cached = true;
  let dir = known ? join(request.cacheDir, "builds", known) : "";
  if (!known || !(await stat(join(dir, "build.json")).catch(() => undefined))) {
    const key = await resolveAndBuild(config, name, kernel, request);
    cached = key.cached;
    dir = join(request.cacheDir, "builds", key.key);
    await rememberFingerprint(request.cacheDir, before, key.key);
    // Building packages changes the store's index, so the next identical request hashes differently.
    await rememberFingerprint(request.cacheDir, await buildFingerprint(fingerprintInputs), key.key);
  }
  const record = JSON.parse(await readFile(join(dir, "build.json"), "utf8")) as BuildRecord;
  for (const format of formats) await ensureFormat(dir, format, record.cmdline);
  await publishOutputs(dir, request.outDir, name, formats);
  return { ...record, cached };
}

// The slow path: resolve the kernel and every image, hash what was resolved, build unless cached.
async function resolveAndBuild(
  config: ImageConfig,
  name: string,
  kernelChoice: KernelChoice,
  request: BuildRequest,
): Promise<{ key: string; cached: boolean }> {
  const source = {
    store: request.store,
    pkgRoot: request.pkgRoot,
    cacheDir: request.cacheDir,
    pull: request.pull,
    ...(request.signal ? { signal: request.signal } : {}),
  };
  const kernel = await resolveKernel(kernelChoice, request.arch, source);
  const initImages = await Promise.all(
    config.init.map((entry) => resolveImage(entry.image, request.arch, source)),
  );
  const specs = [...config.onboot, ...config.onshutdown, ...config.services];
  const containers = await Promise.all(
    specs.map(async (spec) => ({
      spec,
      image: await resolveImage(spec.image, request.arch, source),
    })),
  );
  const key = await cacheKey(config, name, request.arch, kernel, initImages, containers);
  const dir = join(request.cacheDir, "builds", key);
  if (await stat(join(dir, "build.json")).catch(() => undefined)) return { key, cached: true };
  await withFileLock(dir, async () => {
    if (await stat(join(dir, "build.json")).catch(() => undefined)) return;
    await buildInto(
      dir,
      { config, name, kernel, initImages, containers, store: request.store },
      request,
      key,
    );
  });
  return { key, cached: false };
}

async function buildInto(
  dir: string,
  inputs: Parameters<typeof assembleRootfs>[0],
  request: BuildRequest,
  key: string,
): Promise<void> {
  const work = `${dir}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  try {
    const root = join(work, "root");
    await mkdir(root, { recursive: true });
    const modules = await assembleRootfs(inputs, root, request.signal);
    await writeCpio(root, join(work, "initrd.img"), [
      charDevice("/dev/console", 5, 1),
      charDevice("/dev/null", 1, 3, 0o666),
    ]);
    await rm(root, { recursive: true, force: true });
    await placeKernel(inputs.kernel.vmlinuz, join(work, "kernel"), request.cacheDir);
    const cmdline = inputs.config.kernel.cmdline ?? "";
    await writeFile(join(work, "cmdline"), cmdline);
    const record: BuildRecord = {
      name: inputs.name,
      arch: request.arch,
      key,
      cached: false,
      kernel: {
        name: inputs.kernel.name,
        package: inputs.kernel.package,
        version: inputs.kernel.version,
        release: inputs.kernel.release,
        debSha256: inputs.kernel.debSha256,
        source: inputs.kernel.source,
      },
      cmdline,
      images: [
        ...inputs.initImages.map((image) => ({
          ref: image.ref,
          digest: image.digest,
          role: "init",
        })),
        ...inputs.containers.map(({ spec, image }) => ({
          ref: image.ref,
          digest: image.digest,
          role: `${spec.section}/${spec.name}`,
        })),
      ],
      modules,
      outputs: { kernel: "kernel", initrd: "initrd.img", cmdline: "cmdline" },
      sha256: {
        kernel: await sha256File(join(work, "kernel")),
        initrd: await sha256File(join(work, "initrd.img")),
      },
    };
    await writeFile(join(work, "build.json"), `${JSON.stringify(record, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}

// Kernels the cache unpacked never change, so every build of one shares its bytes (a link saves
// ~14 MB a build); a kernel file of the user's is copied, as it may be rebuilt in place.
async function placeKernel(vmlinuz: string, target: string, cacheDir: string): Promise<void> {
  if (vmlinuz.startsWith(`${cacheDir}${sep}`))
    await link(vmlinuz, target).catch(() => copyFile(vmlinuz, target));
  else await copyFile(vmlinuz, target);
}

async function cacheKey(
  config: ImageConfig,
  name: string,
  arch: Arch,
  kernel: FetchedKernel,
  initImages: ResolvedImage[],
  containers: { spec: ContainerSpec; image: ResolvedImage }[],
): Promise<string> {
  const files = await Promise.all(
    config.files.map(async ({ at: _at, ...file }) => ({
      ...file,
      ...(file.source
        ? { sourceHash: await sha256File(join(_at.file, "..", file.source)).catch(() => "absent") }
        : {}),
    })),
  );
  const inputs = {
    builder: IMAGE_BUILDER_VERSION,
    modules: DEFAULT_MODULES,
    name,
    arch,
    kernel: [kernel.package, kernel.version, kernel.debSha256],
    cmdline: config.kernel.cmdline ?? "",
    init: initImages.map((image) => image.digest),
    containers: containers.map(({ spec, image }) => [
      spec.section,
      image.digest,
      runtimeSpec(spec, image.config),
    ]),
    files,
  };
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 32);
}

async function publishOutputs(
  dir: string,
  outDir: string,
  name: string,
  formats: readonly FormatSpec[],
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const files: [string, string][] = [
    ["kernel", "-kernel"],
    ["initrd.img", "-initrd.img"],
    ["cmdline", "-cmdline"],
    ["build.json", "-build.json"],
  ];
  for (const format of formats)
    if (format.name !== "kernel+initrd") files.push([format.file, format.output]);
  for (const [file, suffix] of files) {
    const target = join(outDir, `${name}${suffix}`);
    await rm(target, { force: true });
    await link(join(dir, file), target).catch(() => copyFile(join(dir, file), target));
  }
}

async function sha256File(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}
