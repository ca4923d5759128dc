// LinuxKit kernel images (linuxkit/kernel:6.6.x): /kernel plus a /kernel.tar of lib/modules, taken
// from an OCI image in the store and unpacked once per image digest.
import { createHash } from "node:crypto";
import { lstat, mkdir, readlink, realpath, rename, rm } from "node:fs/promises";
import { join, posix, sep } from "node:path";
import type { Arch } from "../../arch.ts";
import { HarnessError, inputError, type SourceLocation } from "../../errors.ts";
import { getImage } from "../oci/get-image.ts";
import { platformForArch, type OciStore, type ResolvedImage } from "../oci/store.ts";
import { unpackLayers } from "../layer.ts";
import type { FetchedKernel } from "./debian.ts";
import { fillOnce } from "./fill-once.ts";
import { inspectKernelFile } from "./kernel-release.ts";
import { verifiedLayers } from "./image-layers.ts";
import { unpackModulesTar } from "./modules-tree.ts";

/** A `kernel:` section that names an image, with where each field was written. */
export interface ImageKernelRequest {
  ref: string;
  /** The kernel's path in the image (`kernel.binary`); default "kernel". */
  binary?: string;
  /** The modules tarball's path (`kernel.tar`); "" or "none" means no modules; default "kernel.tar". */
  tar?: string;
  at: Partial<Record<"image" | "binary" | "tar", SourceLocation>>;
}

/** Where images come from and where the unpacked kernels go. */
export interface ImageKernelSource {
  store: OciStore;
  cacheDir: string;
  pull: boolean;
  signal?: AbortSignal;
}

interface UnpackedImageKernel {
  release: string;
  modules: boolean;
}

/** The kernel a LinuxKit kernel image holds for `arch`, resolved (or pulled) and unpacked in the cache. */
export async function fetchImageKernel(
  request: ImageKernelRequest,
  arch: Arch,
  source: ImageKernelSource,
): Promise<FetchedKernel> {
  const image = await getImage(source.store, request.ref, platformForArch(arch), {
    pull: source.pull,
    ...(source.signal ? { signal: source.signal } : {}),
  }).catch((error: unknown) => {
    throw locatedAt(error, request.at.image);
  });
  const binary = request.binary ?? "kernel";
  const tar = request.tar === undefined ? "kernel.tar" : request.tar === "none" ? "" : request.tar;
  const hex = image.digest.slice("sha256:".length);
  // Other binary/tar paths pick other files from the same image, so they get their own folder.
  const variant = binary === "kernel" && tar === "kernel.tar" ? "" : `-${shortHash([binary, tar])}`;
  const dir = join(source.cacheDir, "kernels", `image-${hex}${variant}`);
  const meta = await fillOnce<UnpackedImageKernel>(dir, (work) =>
    unpackImageKernel(image, { ...request, binary, tar }, work, source),
  );
  return {
    name: request.ref,
    arch,
    package: image.ref,
    version: image.digest,
    release: meta.release,
    vmlinuz: join(dir, "vmlinuz"),
    modulesDir: meta.modules ? join(dir, "tree", "lib", "modules", meta.release) : "",
    // The build's cache key reads this; other paths in the same image must not reuse its builds.
    debSha256: variant ? shortHash([hex, variant], 64) : hex,
    source: `image:${request.ref}`,
  };
}

async function unpackImageKernel(
  image: ResolvedImage,
  request: ImageKernelRequest & { binary: string; tar: string },
  work: string,
  source: ImageKernelSource,
): Promise<UnpackedImageKernel> {
  const root = join(work, "image");
  await mkdir(root);
  await unpackLayers(await verifiedLayers(image, source), root, source.signal);
  const kernel = await fileInImage(root, request.binary);
  if (!kernel) {
    throw inputError(
      "EKERNELIMAGE",
      `kernel image ${image.ref} has no file /${clean(request.binary)}`,
      {
        ...atOf(request, "binary"),
        hint: "set kernel.binary: to the kernel's path inside the image, or use an image laid out like linuxkit/kernel (/kernel, /kernel.tar)",
      },
    );
  }
  await rename(kernel, join(work, "vmlinuz"));
  let release: string;
  if (request.tar) {
    const tarball = await fileInImage(root, request.tar);
    const what = `modules tarball /${clean(request.tar)} of kernel image ${image.ref}`;
    const hint =
      "set kernel.tar: to the image's tar of lib/modules/<release>, or kernel.tar: none for a kernel without modules";
    if (!tarball)
      throw inputError("EKERNELIMAGE", `${what} is missing`, { ...atOf(request, "tar"), hint });
    release = await unpackModulesTar(tarball, join(work, "tree"), { what, hint }, source.signal);
  } else {
    release = (await inspectKernelFile(join(work, "vmlinuz"))).release ?? "unknown";
  }
  await rm(root, { recursive: true, force: true });
  return { release, modules: request.tar !== "" };
}

/** A regular file at `path` inside the unpacked image, following the image's own symlinks; never outside it. */
async function fileInImage(root: string, path: string): Promise<string | undefined> {
  let inside = clean(path);
  for (let hop = 0; hop < 8; hop++) {
    const full = join(root, inside);
    const info = await lstat(full).catch(() => undefined);
    if (!info) return undefined;
    if (info.isFile()) {
      // A folder symlink on the way could point out of the image; the real path must stay inside.
      const real = await realpath(full);
      return real.startsWith((await realpath(root)) + sep) ? real : undefined;
    }
    if (!info.isSymbolicLink()) return undefined;
    const target = await readlink(full);
    inside = clean(target.startsWith("/") ? target : posix.join(posix.dirname(inside), target));
  }
  return undefined;
}

function shortHash(parts: readonly string[], length = 12): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, length);
}

/** An image path without its leading "/" and with no way above the image's root. */
function clean(path: string): string {
  return posix.normalize(`/${path}`).slice(1);
}

function atOf(request: ImageKernelRequest, field: "binary" | "tar"): { at?: SourceLocation } {
  const at = request.at[field] ?? request.at.image;
  return at ? { at } : {};
}

// Store and registry errors know the image, not the YAML line that named it.
function locatedAt(error: unknown, at: SourceLocation | undefined): unknown {
  if (!(error instanceof HarnessError) || error.at || !at) return error;
  return new HarnessError(error.code, error.message, {
    at,
    exitCode: error.exitCode,
    cause: error,
    ...(error.hint ? { hint: error.hint } : {}),
  });
}
