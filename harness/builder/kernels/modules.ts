// Kernel modules for the initrd: the closure of the wanted modules, decompressed, with a fresh depmod index.
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { execa } from "execa";
import type { FetchedKernel } from "./debian.ts";

/** Modules every guest gets: virtio devices, the results channel, and what containers need. */
export const DEFAULT_MODULES: readonly string[] = [
  "virtio_pci",
  "virtio_mmio",
  "virtio_net",
  "virtio_blk",
  "virtio_console",
  "virtio_rng",
  "virtio_scsi",
  "overlay",
  "veth",
  "bridge",
  "br_netfilter",
  "nf_conntrack",
  "nf_nat",
  "nf_tables",
  "nft_chain_nat",
  "ip_tables",
  "iptable_nat",
  "iptable_filter",
  "xt_MASQUERADE",
  "xt_conntrack",
  "xt_addrtype",
  "ext4",
  "squashfs",
  "loop",
  "af_packet",
  "tun",
  "nls_utf8",
  "9p",
  "9pnet_virtio",
  "sch_fq_codel",
  // libcrc32c (under nf_conntrack, nf_nat, nf_tables) and ext4 need a crc32c implementation when
  // they load, but ask for it only as a softdep, which the closure does not follow; it is a module
  // on the generic and rt kernels and built in on the cloud ones.
  "crc32c_generic",
];

/** Normalises a module name: basename without .ko(.xz|.zst|.gz), "-" as "_". */
export function moduleName(path: string): string {
  return basename(path)
    .replace(/\.ko(\.(xz|zst|gz))?$/, "")
    .replace(/-/g, "_");
}

/** Parses modules.dep into name → { path, deps } (paths relative to the modules folder). */
export function parseModulesDep(text: string): Map<string, { path: string; deps: string[] }> {
  const modules = new Map<string, { path: string; deps: string[] }>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const path = line.slice(0, colon);
    const deps = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(moduleName);
    modules.set(moduleName(path), { path, deps });
  }
  return modules;
}

/** The wanted modules plus everything they depend on; names not built as modules are left out. */
export function moduleClosure(
  dep: Map<string, { path: string; deps: string[] }>,
  wanted: readonly string[],
): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    const key = name.replace(/-/g, "_");
    const entry = dep.get(key);
    if (!entry || seen.has(key)) return;
    seen.add(key);
    entry.deps.forEach(visit);
  };
  wanted.forEach(visit);
  return [...seen].sort();
}

/** Copies the closure into `root/lib/modules/<release>`, decompressed, and runs depmod there. */
export async function stageModules(
  kernel: FetchedKernel,
  wanted: readonly string[],
  root: string,
): Promise<string[]> {
  // A kernel without modules (a local file alone, kernel.tar: none) gets no lib/modules at all.
  if (!kernel.modulesDir) return [];
  const dep = parseModulesDep(await readFile(join(kernel.modulesDir, "modules.dep"), "utf8"));
  const names = moduleClosure(dep, wanted);
  const target = join(root, "lib", "modules", kernel.release);
  for (const name of names) {
    const source = (dep.get(name) as { path: string }).path;
    const destination = join(target, source.replace(/\.(xz|zst|gz)$/, ""));
    await mkdir(dirname(destination), { recursive: true });
    await decompressModule(join(kernel.modulesDir, source), destination);
  }
  for (const file of ["modules.order", "modules.builtin", "modules.builtin.modinfo"]) {
    await copyFile(join(kernel.modulesDir, file), join(target, file)).catch(() => undefined);
  }
  await writeFile(join(target, "harness.modules"), `${names.join("\n")}\n`);
  await execa("depmod", ["-b", root, kernel.release]);
  return names;
}

async function decompressModule(source: string, destination: string): Promise<void> {
  if (source.endsWith(".xz")) await execa("xz", ["-dc", source], { stdout: { file: destination } });
  else if (source.endsWith(".zst"))
    await execa("zstd", ["-dcq", source], { stdout: { file: destination } });
  else if (source.endsWith(".gz"))
    await execa("gzip", ["-dc", source], { stdout: { file: destination } });
  else await copyFile(source, destination);
}
