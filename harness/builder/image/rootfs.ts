// The initramfs tree: init images at /, each container's bundle under /containers, files, modules.
import { chmod, chown, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { ContainerSpec, FileSpec, ImageConfig } from "../yaml/types.ts";
import type { OciStore, ResolvedImage } from "../oci/store.ts";
import type { FetchedKernel } from "../kernels/debian.ts";
import { HarnessError } from "../../errors.ts";
import { unpackLayers } from "../layer.ts";
import { stageModules, DEFAULT_MODULES } from "../kernels/modules.ts";
import { runtimeSpec } from "./runtime-spec.ts";

/** Everything resolved that goes into the tree. */
export interface RootfsInputs {
  config: ImageConfig;
  name: string;
  kernel: FetchedKernel;
  initImages: ResolvedImage[];
  containers: { spec: ContainerSpec; image: ResolvedImage }[];
  store: OciStore;
}

/** Writes the tree under `root`; returns the kernel modules it holds. */
export async function assembleRootfs(
  inputs: RootfsInputs,
  root: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const layerPaths = (image: ResolvedImage) =>
    image.layers.map((layer) => inputs.store.blobPath(layer.digest));
  for (const image of inputs.initImages) await unpackLayers(layerPaths(image), root, signal);
  for (const [index, { spec, image }] of inputs.containers.entries()) {
    const bundle = join(
      root,
      "containers",
      spec.section,
      bundleName(spec, index, inputs.containers),
    );
    await mkdir(join(bundle, "rootfs"), { recursive: true });
    await unpackLayers(layerPaths(image), join(bundle, "rootfs"), signal);
    await writeFile(
      join(bundle, "config.json"),
      `${JSON.stringify(runtimeSpec(spec, image.config), null, 2)}\n`,
    );
    if (spec.runtime)
      await writeFile(join(bundle, "runtime.json"), `${JSON.stringify(spec.runtime, null, 2)}\n`);
  }
  for (const file of inputs.config.files) await writeImageFile(file, root);
  await mkdir(join(root, "etc", "harness"), { recursive: true });
  await writeFile(join(root, "etc", "harness", "name"), `${inputs.name}\n`);
  // The guest checks that it runs the very kernel the matrix cell asked for (cases/010_boot).
  const { package: kernelPackage, version, release } = inputs.kernel;
  await writeFile(
    join(root, "etc", "harness", "kernel.json"),
    `${JSON.stringify({ package: kernelPackage, version, release })}\n`,
  );
  return stageModules(inputs.kernel, DEFAULT_MODULES, root);
}

// onboot and onshutdown run in order, so their folders carry the position; services by name.
function bundleName(spec: ContainerSpec, index: number, all: RootfsInputs["containers"]): string {
  if (spec.section === "services") return spec.name;
  const position = all.slice(0, index).filter((c) => c.spec.section === spec.section).length;
  return `${String(position).padStart(3, "0")}-${spec.name}`;
}

async function writeImageFile(file: FileSpec, root: string): Promise<void> {
  const target = join(root, file.path.replace(/^\/+/, ""));
  if (!resolve(target).startsWith(resolve(root))) {
    throw new HarnessError("EFILES", `files: path ${file.path} leaves the image`, {
      exitCode: 2,
      at: file.at,
    });
  }
  await mkdir(file.directory ? target : dirname(target), { recursive: true });
  if (file.symlink !== undefined) {
    await symlink(file.symlink, target);
    return;
  }
  if (file.contents !== undefined) await writeFile(target, file.contents);
  else if (file.source !== undefined) {
    const data = await readFile(resolve(dirname(file.at.file), file.source)).catch(
      (cause: unknown) => {
        if (file.optional) return undefined;
        throw new HarnessError(
          "EFILES",
          `files: source ${file.source} for ${file.path} cannot be read`,
          {
            exitCode: 2,
            at: file.at,
            cause,
            hint: "sources are relative to the YAML file; mark the entry optional: true if it may be absent",
          },
        );
      },
    );
    if (data === undefined) return;
    await writeFile(target, data);
  } else if (file.metadata !== undefined) {
    throw new HarnessError(
      "EFILES",
      `files: metadata: ${file.metadata} for ${file.path} is not supported by this builder`,
      { exitCode: 2, at: file.at },
    );
  }
  if (file.mode) await chmod(target, parseInt(file.mode, 8));
  if (typeof file.uid === "number" || typeof file.gid === "number") {
    await chown(
      target,
      typeof file.uid === "number" ? file.uid : 0,
      typeof file.gid === "number" ? file.gid : 0,
    );
  }
}
