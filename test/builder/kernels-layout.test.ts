// Unpacked Debian kernel packages of three generations end in one layout: bookworm's as it is,
// trixie's modules from /usr/lib/modules, and 7.x's split image from /usr/lib/modules/<r>/vmlinuz.
import assert from "node:assert/strict";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { classicKernelLayout } from "../../harness/builder/kernels/package-layout.ts";
import { tempDir } from "../helpers/cli.ts";

async function tree(files: readonly string[]): Promise<string> {
  const root = await tempDir();
  for (const file of files) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), file);
  }
  return root;
}

async function list(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

describe("unpacked kernel package layouts", () => {
  it("leaves bookworm's /boot and /lib/modules as they are", async () => {
    const files = [
      "boot/vmlinuz-6.1.0-57-cloud-arm64",
      "lib/modules/6.1.0-57-cloud-arm64/kernel/a.ko",
    ];
    const root = await tree(files);
    assert.equal(await classicKernelLayout(root), "6.1.0-57-cloud-arm64");
    assert.deepEqual(await list(root), files);
  });

  it("moves trixie's /usr/lib/modules to /lib/modules", async () => {
    const r = "6.12.118+deb13-cloud-arm64";
    const root = await tree([
      `boot/vmlinuz-${r}`,
      `usr/lib/modules/${r}/kernel/a.ko`,
      `usr/lib/modules/${r}/modules.order`,
    ]);
    assert.equal(await classicKernelLayout(root), r);
    assert.deepEqual(await list(root), [
      `boot/vmlinuz-${r}`,
      `lib/modules/${r}/kernel/a.ko`,
      `lib/modules/${r}/modules.order`,
    ]);
  });

  it("takes a split kernel's image from /usr/lib/modules/<release>/vmlinuz, its modules beside it", async () => {
    const r = "7.3.4+deb13-cloud-arm64";
    const root = await tree([
      `usr/lib/modules/${r}/vmlinuz`,
      `usr/lib/modules/${r}/kernel/b.ko`,
      `usr/share/doc/x/copyright`,
    ]);
    assert.equal(await classicKernelLayout(root), r);
    assert.deepEqual(await list(root), [
      `boot/vmlinuz-${r}`,
      `lib/modules/${r}/kernel/b.ko`,
      "usr/share/doc/x/copyright",
    ]);
  });

  it("finds no release in a tree without a kernel image", async () => {
    assert.equal(await classicKernelLayout(await tree(["usr/share/doc/x/copyright"])), undefined);
  });
});
