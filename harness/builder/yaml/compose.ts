// `linuxkit build a.yml b.yml`: later files extend earlier ones (LinuxKit's AppendConfig).
import type { ImageConfig, KernelFields, KernelSpec } from "./types.ts";

// Empty strings never override these: LinuxKit treats "" as "not set".
const OVERRIDE_IF_NONEMPTY = ["image", "cmdline", "binary"] as const;
// These override whenever written, even as "": `tar: ""` turns the modules tarball off.
const OVERRIDE_IF_SET = ["tar", "ucode"] as const;

/** An image with nothing in it, read from `sources`. */
export function emptyImageConfig(sources: readonly string[]): ImageConfig {
  return {
    sources,
    kernel: { at: {} },
    init: [],
    volumes: [],
    onboot: [],
    onshutdown: [],
    services: [],
    files: [],
  };
}

/** `base` extended by `next`: kernel fields overridden, every list appended in order. */
export function appendConfig(base: ImageConfig, next: ImageConfig): ImageConfig {
  return {
    sources: [...base.sources, ...next.sources],
    kernel: appendKernel(base.kernel, next.kernel),
    init: [...base.init, ...next.init],
    volumes: [...base.volumes, ...next.volumes],
    onboot: [...base.onboot, ...next.onboot],
    onshutdown: [...base.onshutdown, ...next.onshutdown],
    services: [...base.services, ...next.services],
    files: [...base.files, ...next.files],
  };
}

/** All of `configs` appended left to right. */
export function composeConfigs(configs: readonly ImageConfig[]): ImageConfig {
  return configs.reduce(appendConfig, emptyImageConfig([]));
}

function appendKernel(base: KernelSpec, next: KernelSpec): KernelSpec {
  const kernel: KernelSpec = { ...base, at: { ...base.at } };
  const take = (field: keyof KernelFields) => {
    const value = next[field];
    if (value === undefined) return;
    kernel[field] = value;
    const at = next.at[field];
    if (at) kernel.at[field] = at;
  };
  for (const field of OVERRIDE_IF_NONEMPTY) if (next[field]) take(field);
  for (const field of OVERRIDE_IF_SET) take(field);
  return kernel;
}
