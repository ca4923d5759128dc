// Debian's kernel packages moved: bookworm's put the image at /boot/vmlinuz-<release> and modules in
// /lib/modules/<release>; trixie's (merged /usr) put modules in /usr/lib/modules/<release>, and the
// split ones of 7.x put the image there too, as vmlinuz. An unpacked tree is brought to the first
// layout, which the cache, depmod -b and the image builder read.
import { mkdir, readdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";

/** Moves usr/lib/modules/<release> to lib/modules/<release> and a vmlinuz found there to
 * boot/vmlinuz-<release>; returns the release of the image under boot/, if there is one. */
export async function classicKernelLayout(root: string): Promise<string | undefined> {
  const usrModules = join(root, "usr", "lib", "modules");
  for (const release of await names(usrModules)) {
    await mkdir(join(root, "lib", "modules"), { recursive: true });
    await moveInto(join(usrModules, release), join(root, "lib", "modules", release));
  }
  for (const release of await names(join(root, "lib", "modules"))) {
    const image = join(root, "lib", "modules", release, "vmlinuz");
    if (!(await exists(image))) continue;
    await mkdir(join(root, "boot"), { recursive: true });
    if (!(await exists(join(root, "boot", `vmlinuz-${release}`))))
      await rename(image, join(root, "boot", `vmlinuz-${release}`));
  }
  const image = (await names(join(root, "boot"))).find((f) => f.startsWith("vmlinuz-"));
  return image?.slice("vmlinuz-".length);
}

// A folder moves whole; where the target exists (two packages of one build), entry by entry.
async function moveInto(from: string, to: string): Promise<void> {
  if (!(await exists(to))) {
    await rename(from, to);
    return;
  }
  for (const name of await names(from)) {
    const target = join(to, name);
    const source = join(from, name);
    if ((await stat(source)).isDirectory() && (await exists(target)))
      await moveInto(source, target);
    else await rename(source, target);
  }
}

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
