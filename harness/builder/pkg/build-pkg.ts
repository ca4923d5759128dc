// Builds a guest package recipe into an OCI image in the store, once per content: Debian packages
// unpacked, the recipe's files added, one reproducible layer.
import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  symlink,
  writeFile,
  copyFile,
} from "node:fs/promises";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { execa } from "execa";
import type { Arch } from "../../arch.ts";
import { platformForArch } from "../oci/store.ts";
import type { ResolvedImage, OciStore } from "../oci/store.ts";
import { aptDownload, privateApt, type Apt } from "../kernels/apt.ts";
import { writeLayer } from "../layer.ts";
import { withFileLock } from "../../util/file-lock.ts";
import { loadRecipe, type Recipe } from "./recipe.ts";
import { resolvePackages, type PinnedPackage } from "./debian-closure.ts";

/** Bumped when the way packages are built changes, so old images are not reused. */
export const PKG_BUILDER_VERSION = "1";

/** Where recipes, caches and the store are. */
export interface PkgContext {
  pkgRoot: string;
  cacheDir: string;
  store: OciStore;
  signal?: AbortSignal;
}

/** The image reference a recipe builds to: harness/NAME:<content hash>. */
export function pkgRepository(name: string): string {
  return `harness/${name}`;
}

/** Builds pkg NAME for ARCH unless the store already holds that exact content; returns the image. */
export async function buildPackage(
  context: PkgContext,
  name: string,
  arch: Arch,
): Promise<ResolvedImage> {
  const recipe = await loadRecipe(context.pkgRoot, name);
  const apt = recipe.debian ? await privateApt(context.cacheDir, context.signal) : undefined;
  const packages = apt && recipe.debian ? await resolveCached(context, apt, recipe, arch) : [];
  const tag = createHash("sha256")
    .update(JSON.stringify([PKG_BUILDER_VERSION, recipe.contentHash, packages]))
    .digest("hex")
    .slice(0, 20);
  const ref = `${pkgRepository(name)}:${tag}`;
  const platform = platformForArch(arch);
  const existing = await context.store.resolve(ref, platform);
  if (existing) return existing;
  return withFileLock(join(context.cacheDir, `pkg-${name}-${arch}`), async () => {
    const again = await context.store.resolve(ref, platform);
    if (again) return again;
    await assemble(context, recipe, apt, packages, arch, ref);
    const built = await context.store.resolve(ref, platform);
    if (!built) throw new Error(`package ${ref} missing from the store right after it was built`);
    return built;
  });
}

// Package resolution asks apt several times; its answer only changes when the indexes do.
async function resolveCached(
  context: PkgContext,
  apt: Apt,
  recipe: Recipe,
  arch: Arch,
): Promise<PinnedPackage[]> {
  const updated = await readFile(join(apt.root, "updated"), "utf8").catch(() => "");
  const key = createHash("sha256")
    .update(JSON.stringify([recipe.debian, updated, arch]))
    .digest("hex")
    .slice(0, 24);
  const file = join(context.cacheDir, "pkg-resolve", `${key}.json`);
  const cached = await readFile(file, "utf8").catch(() => undefined);
  if (cached) return JSON.parse(cached) as PinnedPackage[];
  const packages = await resolvePackages(
    apt,
    recipe.debian as NonNullable<Recipe["debian"]>,
    arch,
    context.signal,
  );
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(packages));
  return packages;
}

async function assemble(
  context: PkgContext,
  recipe: Recipe,
  apt: Apt | undefined,
  packages: PinnedPackage[],
  arch: Arch,
  ref: string,
): Promise<void> {
  const work = await mkdtemp(join(context.cacheDir, `pkg-${recipe.name}-`));
  try {
    const root = join(work, "root");
    await mkdir(root, { recursive: true });
    if (apt && packages.length > 0) {
      const debs = await downloadDebs(context, apt, packages);
      for (const deb of debs) await execa("dpkg-deb", ["-x", deb, root]);
    }
    for (const pattern of recipe.debian?.prune ?? [])
      await execa("sh", ["-c", `rm -rf ./${pattern}`], { cwd: root });
    await addRecipeFiles(recipe, root);
    const layer = await writeLayer(root, join(work, "layer.tar.gz"), context.signal);
    const descriptor = await context.store.putBlobFile(
      layer.path,
      "application/vnd.oci.image.layer.v1.tar+gzip",
    );
    const platform = platformForArch(arch);
    const config = {
      architecture: platform.architecture,
      os: platform.os,
      config: {
        ...(recipe.config?.entrypoint ? { Entrypoint: recipe.config.entrypoint } : {}),
        ...(recipe.config?.cmd ? { Cmd: recipe.config.cmd } : {}),
        Env: recipe.config?.env ?? [
          "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ],
        ...(recipe.config?.workingDir ? { WorkingDir: recipe.config.workingDir } : {}),
        Labels: { "org.opencontainers.image.title": recipe.name, ...recipe.config?.labels },
      },
      rootfs: { type: "layers", diff_ids: [layer.diffId] },
    };
    const annotations = {
      "dev.harness.pkg.packages": packages.map((p) => `${p.name}=${p.version}`).join(" "),
    };
    await context.store.addImage({ ref, platform, config, layers: [descriptor], annotations });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function downloadDebs(
  context: PkgContext,
  apt: Apt,
  packages: PinnedPackage[],
): Promise<string[]> {
  const dir = join(context.cacheDir, "debs");
  await mkdir(dir, { recursive: true });
  // apt-get download names files NAME_VERSION_ARCH.deb, with an epoch's ":" as "%3a" and ARCH "all" when arch-independent.
  const prefix = (p: PinnedPackage) => `${p.name}_${p.version.replace(/:/g, "%3a")}_`;
  const find = async (p: PinnedPackage) =>
    (await readdir(dir)).find(
      (f) => f.startsWith(prefix(p)) && (f.endsWith(`_${p.arch}.deb`) || f.endsWith("_all.deb")),
    );
  const missing: PinnedPackage[] = [];
  for (const p of packages) if (!(await find(p))) missing.push(p);
  if (missing.length > 0) {
    await withFileLock(dir, () =>
      aptDownload(
        apt,
        missing.map((p) => `${p.name}:${p.arch}=${p.version}`),
        dir,
        context.signal,
      ),
    );
  }
  const files: string[] = [];
  for (const p of packages) {
    const found = await find(p);
    if (!found)
      throw new Error(
        `apt-get download left no .deb for ${p.name} ${p.version} ${p.arch} in ${dir}`,
      );
    files.push(join(dir, found));
  }
  return files;
}

async function addRecipeFiles(recipe: Recipe, root: string): Promise<void> {
  for (const entry of recipe.files ?? []) {
    const target = join(root, entry.path);
    await mkdir(entry.directory ? target : dirname(target), { recursive: true });
    if (entry.symlink) await symlink(entry.symlink, target);
    else if (entry.source) await copyFile(join(recipe.dir, entry.source), target);
    else if (entry.contents !== undefined) await writeFile(target, entry.contents);
    if (entry.mode && !entry.symlink) await chmod(target, parseInt(entry.mode, 8));
  }
}
