// Kernels from a LinuxKit kernel image and from a local file: built, inspected and booted under TCG.
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import {
  appendFile,
  copyFile,
  mkdir,
  readFile,
  readdir,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { buildContext } from "../../harness/builder/context.ts";
import { fetchDebianKernel, type FetchedKernel } from "../../harness/builder/kernels/debian.ts";
import { writeLayer } from "../../harness/builder/layer.ts";
import { pushImage } from "../../harness/builder/oci/registry.ts";
import { MEDIA_TYPE, OciStore, platformForArch } from "../../harness/builder/oci/store.ts";
import { DEFAULT_KERNEL } from "../../harness/builder/kernels/names.ts";
import { bootConsole } from "../helpers/boot.ts";
import { REPO, harness, tempDir } from "../helpers/cli.ts";
import { startRegistry } from "../helpers/registry.ts";

const MINIMAL = join(REPO, "cases", "examples", "minimal.yml");
const DEFAULT_CACHE = buildContext(process.env).cacheDir;

interface BuildJson {
  name: string;
  cached: boolean;
  kernel: { name: string; package: string; version: string; release: string; debSha256: string };
  modules: string[];
  sha256: { kernel: string; initrd: string };
}

async function sha256(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

// A fresh cache that starts with the default one's apt lists and .debs, so packages build offline.
async function seededCache(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const part of ["apt", "debs"])
    await execa("cp", ["-r", join(DEFAULT_CACHE, part), dir], { reject: false });
  return dir;
}

/** Files of an initrd (a newc cpio, uncompressed as the builder writes it), without "./". */
async function initrdFiles(path: string): Promise<string[]> {
  const listing = await execa("cpio", ["-t", "--quiet"], { inputFile: path });
  return listing.stdout.split("\n").map((f) => f.replace(/^\.\//, ""));
}

/** Stores a one-layer image whose filesystem `fill` writes; returns its manifest and layer digests. */
async function addImage(
  store: OciStore,
  ref: string,
  work: string,
  fill: (root: string) => Promise<void>,
): Promise<{ digest: string; layer: string }> {
  const root = await tempDir("harness-kernel-image-");
  try {
    await fill(root);
    const layer = await writeLayer(root, join(work, `${ref.replace(/\W/g, "_")}.tar.gz`));
    const descriptor = await store.putBlobFile(layer.path, MEDIA_TYPE.ociLayerGzip);
    const platform = platformForArch("x86_64");
    const config = {
      ...platform,
      config: {},
      rootfs: { type: "layers", diff_ids: [layer.diffId] },
    };
    const { manifest } = await store.addImage({ ref, platform, config, layers: [descriptor] });
    return { digest: manifest.digest, layer: descriptor.digest };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((f) => /\.tmp-|\.lock$/.test(f));
}

describe("kernel sources", function () {
  this.timeout(600_000);
  let work: string;
  let cache: string;
  let out: string;
  let store: OciStore;
  let debian: FetchedKernel;
  let imageDigest: string;

  const env = () => ({ HARNESS_CACHE: cache });
  const yaml = async (name: string, text: string) => {
    await writeFile(join(work, name), text);
    return join(work, name);
  };
  const build = async (args: string[], options: { env?: Record<string, string> } = {}) => {
    const result = await harness(["build", "--arch", "x86_64", "-o", out, "--json", ...args], {
      env: options.env ?? env(),
    });
    return {
      ...result,
      record: result.exitCode === 0 ? (JSON.parse(result.stdout) as BuildJson) : undefined,
    };
  };

  before(async () => {
    debian = await fetchDebianKernel(DEFAULT_KERNEL, "x86_64", DEFAULT_CACHE);
    work = await tempDir("harness-kernels-");
    cache = await seededCache(join(work, "cache"));
    out = join(work, "out");
    store = new OciStore(join(cache, "oci"));
    const debianRoot = dirname(dirname(dirname(debian.modulesDir)));
    // Like linuxkit/kernel, but without modules.dep, so the builder has to index the modules itself.
    ({ digest: imageDigest } = await addImage(
      store,
      "example.org/kernel:test",
      work,
      async (root) => {
        await copyFile(debian.vmlinuz, join(root, "kernel"));
        await execa("tar", [
          "-cf",
          join(root, "kernel.tar"),
          "--exclude=modules.dep",
          "--exclude=modules.dep.bin",
          "-C",
          debianRoot,
          `lib/modules/${debian.release}`,
        ]);
      },
    ));
    await addImage(store, "example.org/kernel:custom", work, async (root) => {
      await mkdir(join(root, "boot"));
      await copyFile(debian.vmlinuz, join(root, "boot", "bzImage"));
      await symlink("boot/bzImage", join(root, "vmlinuz"));
    });
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  describe("a LinuxKit kernel image", () => {
    it("builds from /kernel and /kernel.tar, indexes the modules, names the image, and boots", async () => {
      const kernelYml = await yaml(
        "kernel-image.yml",
        "kernel:\n  image: example.org/kernel:test\n",
      );
      const { exitCode, stderr, record } = await build([
        MINIMAL,
        kernelYml,
        "--no-pull",
        "--name",
        "lkimage",
      ]);
      assert.equal(exitCode, 0, stderr);
      assert.ok(record);
      assert.equal(record.kernel.package, "example.org/kernel:test");
      assert.equal(record.kernel.version, imageDigest);
      assert.equal(record.kernel.debSha256, imageDigest.slice("sha256:".length));
      assert.equal(record.kernel.release, debian.release);
      assert.equal(record.sha256.kernel, await sha256(debian.vmlinuz));
      assert.ok(record.modules.includes("virtio_net"), "virtio_net staged");
      const files = await initrdFiles(join(out, "lkimage-initrd.img"));
      assert.ok(files.includes(`lib/modules/${debian.release}/modules.dep`));
      assert.ok(
        files.some(
          (f) =>
            f.startsWith(`lib/modules/${debian.release}/kernel/`) && f.endsWith("/virtio_net.ko"),
        ),
      );
      const unpacked = join(cache, "kernels", `image-${record.kernel.debSha256}`);
      await readFile(join(unpacked, "tree", "lib", "modules", debian.release, "modules.dep"));

      const console = await bootConsole(
        "x86_64",
        join(out, "lkimage-kernel"),
        join(out, "lkimage-initrd.img"),
      );
      assert.match(
        console,
        new RegExp(
          `harness-init: booted lkimage kernel ${debian.release.replace(/[.+]/g, "\\$&")}`,
        ),
      );
      assert.match(console, /onboot 000-hello exited 0/);
      assert.match(console, /reboot: Power down/);
    });

    it("unpacks an image once per digest and reuses it for other builds", async () => {
      const kernelYml = join(work, "kernel-image.yml");
      const { exitCode, stderr, record } = await build([
        MINIMAL,
        kernelYml,
        "--no-pull",
        "--name",
        "again",
      ]);
      assert.equal(exitCode, 0, stderr);
      assert.equal(record?.cached, false);
      const unpacked = (await readdir(join(cache, "kernels"))).filter((f) =>
        f.startsWith("image-"),
      );
      assert.deepEqual(unpacked, [`image-${imageDigest.slice("sha256:".length)}`]);
    });

    it("pulls the kernel image from a registry when it is not in the store", async () => {
      await using registry = await startRegistry();
      const ref = `${registry.host}/linuxkit/kernel:test`;
      await pushImage(store, "example.org/kernel:test", ref);
      const kernelYml = await yaml("kernel-pulled.yml", `kernel:\n  image: ${ref}\n`);
      const { exitCode, stderr, record } = await build([MINIMAL, kernelYml, "--name", "pulled"]);
      assert.equal(exitCode, 0, stderr);
      assert.equal(record?.kernel.package, ref);
      assert.equal(record?.kernel.version, imageDigest);
    });

    it("takes kernel.binary from another path (through a symlink) and kernel.tar: none", async () => {
      const kernelYml = await yaml(
        "kernel-custom.yml",
        "kernel:\n  image: example.org/kernel:custom\n  binary: /vmlinuz\n  tar: none\n",
      );
      const { exitCode, stderr, record } = await build([
        MINIMAL,
        kernelYml,
        "--no-pull",
        "--name",
        "custom",
      ]);
      assert.equal(exitCode, 0, stderr);
      assert.deepEqual(record?.modules, []);
      assert.equal(record?.kernel.release, debian.release, "read from the bzImage header");
      assert.ok(
        !(await initrdFiles(join(out, "custom-initrd.img"))).some((f) =>
          f.startsWith("lib/modules"),
        ),
      );
    });

    it("refuses an image without /kernel or without its kernel.tar, leaving store and cache as they were", async () => {
      const index = await readFile(join(cache, "oci", "index.json"), "utf8");
      const noKernel = await yaml("no-kernel.yml", "kernel:\n  image: example.org/kernel:custom\n");
      const first = await build([MINIMAL, noKernel, "--no-pull"]);
      assert.equal(first.exitCode, 2, first.stderr);
      assert.match(
        first.stderr,
        /no-kernel\.yml:2:\d+: kernel image example\.org\/kernel:custom has no file \/kernel \[EKERNELIMAGE\]/,
      );
      assert.match(first.stderr, /set kernel\.binary:/);
      const noTar = await yaml(
        "no-tar.yml",
        "kernel:\n  image: example.org/kernel:custom\n  binary: boot/bzImage\n",
      );
      const second = await build([MINIMAL, noTar, "--no-pull"]);
      assert.equal(second.exitCode, 2, second.stderr);
      assert.match(
        second.stderr,
        /modules tarball \/kernel\.tar of kernel image example\.org\/kernel:custom is missing/,
      );
      assert.match(second.stderr, /kernel\.tar: none/);
      assert.deepEqual(await leftovers(join(cache, "kernels")), []);
      assert.equal(await readFile(join(cache, "oci", "index.json"), "utf8"), index);
      assert.ok(await store.resolve("example.org/kernel:custom", platformForArch("x86_64")));
    });

    it("removes a corrupt layer and pulls it again when it may, else says what to do", async () => {
      const { layer } = await addImage(store, "example.org/kernel:repair", work, async (root) => {
        await copyFile(debian.vmlinuz, join(root, "kernel"));
        await writeFile(join(root, "unique"), randomUUID());
      });
      await using registry = await startRegistry();
      const remote = `${registry.host}/linuxkit/kernel:repair`;
      await pushImage(store, "example.org/kernel:repair", remote);
      const blob = store.blobPath(layer);
      await writeFile(blob, "corrupt");
      const local = await yaml(
        "repair.yml",
        "kernel:\n  image: example.org/kernel:repair\n  tar: none\n",
      );
      const offline = await build([MINIMAL, local, "--no-pull"]);
      assert.equal(offline.exitCode, 3, offline.stderr);
      assert.match(
        offline.stderr,
        /lacks layer sha256:\w+ in the store .*\(a corrupt copy is removed\) \[EBLOBMISSING\]\n {2}build again without --no-pull/,
      );
      assert.equal(await store.hasBlob(layer), false);
      await writeFile(blob, "corrupt again");
      const pulled = await yaml("repair-pulled.yml", `kernel:\n  image: ${remote}\n  tar: none\n`);
      const online = await build([MINIMAL, pulled, "--name", "repaired"]);
      assert.equal(online.exitCode, 0, online.stderr);
      assert.equal(`sha256:${await sha256(blob)}`, layer);
      assert.deepEqual(await leftovers(join(cache, "kernels")), []);
    });

    it("lets --kernel override the YAML's kernel image", async () => {
      const kernelYml = join(work, "kernel-image.yml");
      const { exitCode, stderr, record } = await build(
        [MINIMAL, kernelYml, "--no-pull", "--kernel", DEFAULT_KERNEL, "--name", "override"],
        { env: {} },
      );
      assert.equal(exitCode, 0, stderr);
      assert.equal(record?.kernel.name, DEFAULT_KERNEL);
      assert.equal(record?.kernel.release, debian.release);
    });
  });

  describe("a local kernel file", () => {
    it("builds with modules from a folder and boots", async () => {
      const root = dirname(dirname(dirname(debian.modulesDir)));
      const { exitCode, stderr, record } = await build([
        MINIMAL,
        "--kernel",
        `file:${debian.vmlinuz}`,
        "--kernel-modules",
        root,
        "--name",
        "localfile",
      ]);
      assert.equal(exitCode, 0, stderr);
      assert.equal(record?.kernel.package, `file:${debian.vmlinuz}`);
      // A file's version is the release its header names; its bytes are told apart by sha256.
      assert.equal(record?.kernel.version, debian.release);
      assert.equal(record?.kernel.release, debian.release);
      assert.equal(record?.sha256.kernel, await sha256(debian.vmlinuz));
      assert.ok(record?.modules.includes("virtio_net"));
      const console = await bootConsole(
        "x86_64",
        join(out, "localfile-kernel"),
        join(out, "localfile-initrd.img"),
      );
      assert.match(console, /harness-init: booted localfile kernel /);
      assert.match(console, /reboot: Power down/);
    });

    it("takes modules as a tarball or as the lib/modules/<release> folder itself", async () => {
      const tarball = join(work, "modules.tar.gz");
      await execa("tar", [
        "-czf",
        tarball,
        "-C",
        dirname(dirname(dirname(debian.modulesDir))),
        `lib/modules/${debian.release}`,
      ]);
      for (const modules of [tarball, debian.modulesDir]) {
        const { exitCode, stderr, record } = await build([
          MINIMAL,
          "--kernel",
          `file:${debian.vmlinuz}`,
          "--kernel-modules",
          modules,
        ]);
        assert.equal(exitCode, 0, stderr);
        assert.ok(record?.modules.includes("virtio_net"), modules);
      }
      assert.ok((await readdir(join(cache, "kernels"))).some((f) => f.startsWith("modules-")));
    });

    it("builds without modules, says so, and rebuilds when the file changes", async () => {
      const vmlinuz = join(work, "vmlinuz");
      await copyFile(debian.vmlinuz, vmlinuz);
      const first = await build([MINIMAL, "--kernel", `file:${vmlinuz}`, "--name", "bare"]);
      assert.equal(first.exitCode, 0, first.stderr);
      assert.deepEqual(first.record?.modules, []);
      assert.ok(
        !(await initrdFiles(join(out, "bare-initrd.img"))).some((f) => f.startsWith("lib/modules")),
      );
      await appendFile(vmlinuz, Buffer.alloc(16));
      const second = await build([MINIMAL, "--kernel", `file:${vmlinuz}`, "--name", "bare"]);
      assert.equal(second.record?.cached, false);
      assert.notEqual(second.record?.sha256.kernel, first.record?.sha256.kernel);
    });

    it("refuses a missing file, a folder without lib/modules/<release>, and a wrong-arch kernel", async () => {
      const missing = await build([MINIMAL, "--kernel", `file:${join(work, "nope")}`]);
      assert.equal(missing.exitCode, 2);
      assert.match(missing.stderr, /kernel file .*nope does not exist \[EKERNELFILE\]/);
      const empty = join(work, "empty-modules");
      await mkdir(empty, { recursive: true });
      const noModules = await build([
        MINIMAL,
        "--kernel",
        `file:${debian.vmlinuz}`,
        "--kernel-modules",
        empty,
      ]);
      assert.equal(noModules.exitCode, 2);
      assert.match(
        noModules.stderr,
        /--kernel-modules .*empty-modules holds no single lib\/modules\/<release> folder \(found: none\) \[EKERNELMODULES\]/,
      );
      const alone = await build([MINIMAL, "--kernel-modules", empty]);
      assert.equal(alone.exitCode, 2);
      assert.match(alone.stderr, /only goes with --kernel file:PATH/);
      const arm = await fetchDebianKernel(DEFAULT_KERNEL, "aarch64", DEFAULT_CACHE);
      const wrongArch = await build([MINIMAL, "--kernel", `file:${arm.vmlinuz}`]);
      assert.equal(wrongArch.exitCode, 2);
      assert.match(wrongArch.stderr, /is an aarch64 kernel, not x86_64/);
      assert.deepEqual(await leftovers(join(cache, "kernels")), []);
    });
  });
});
