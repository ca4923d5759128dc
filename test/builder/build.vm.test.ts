import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { execa } from "execa";
import { buildContext } from "../../harness/builder/context.ts";
import { REPO, harness, tempDir } from "../helpers/cli.ts";
import { bootConsole } from "../helpers/boot.ts";

const EXAMPLES = join(REPO, "cases", "examples");

async function sha256(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

async function build(example: string, arch: string, out: string, env: Record<string, string> = {}) {
  const result = await harness(
    ["build", join(EXAMPLES, `${example}.yml`), "--arch", arch, "-o", out, "--json"],
    { env },
  );
  assert.equal(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as {
    kernel: { package: string; version: string; release: string };
    sha256: { kernel: string; initrd: string };
    modules: string[];
  };
}

describe("harness build", function () {
  this.timeout(600_000);

  for (const arch of ["x86_64", "aarch64"] as const) {
    it(`builds every example for ${arch}`, async () => {
      const out = await tempDir();
      for (const example of ["minimal", "runc", "containerd"]) {
        const record = await build(example, arch, out);
        assert.match(record.kernel.version, /^6\.1\./);
        assert.ok(record.modules.includes("virtio_net"), "virtio_net staged");
        assert.equal(await sha256(join(out, `${example}-initrd.img`)), record.sha256.initrd);
      }
    });

    it(`boots the minimal example on ${arch} under TCG to its banner and a clean poweroff`, async () => {
      const out = await tempDir();
      const record = await build("minimal", arch, out);
      const console = await bootConsole(
        arch,
        join(out, "minimal-kernel"),
        join(out, "minimal-initrd.img"),
      );
      assert.match(
        console,
        new RegExp(
          `harness-init: booted minimal kernel ${record.kernel.release.replace(/[.+]/g, "\\$&")}`,
        ),
      );
      assert.match(console, /hello from hello on /);
      assert.match(console, /onboot 000-hello exited 0/);
      assert.match(console, /reboot: Power down/);
    });
  }

  it("builds byte-identical images from separate build caches", async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    // Only what was downloaded is shared (Debian's signed indexes and the .debs they vouch for,
    // hard-linked): kernels, packages, the image store and the builds are made afresh in each.
    const shared = buildContext(process.env).cacheDir;
    for (const cache of [join(a, "cache"), join(b, "cache")]) {
      await mkdir(cache, { recursive: true });
      for (const downloads of ["apt", "apt-kernels", "debs"])
        await execa("cp", ["-al", join(shared, downloads), join(cache, downloads)], {
          reject: false,
        });
    }
    const first = await build("minimal", "x86_64", join(a, "out"), {
      HARNESS_CACHE: join(a, "cache"),
    });
    const second = await build("minimal", "x86_64", join(b, "out"), {
      HARNESS_CACHE: join(b, "cache"),
    });
    assert.deepEqual(second.sha256, first.sha256);
    assert.equal(
      await sha256(join(b, "out", "minimal-initrd.img")),
      await sha256(join(a, "out", "minimal-initrd.img")),
    );
  });

  it("rejects an unknown kernel with the names that exist", async () => {
    const result = await harness([
      "build",
      join(EXAMPLES, "minimal.yml"),
      "--kernel",
      "debian-6.2-cloud",
      "-o",
      await tempDir(),
    ]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /unknown kernel "debian-6.2-cloud"/);
    assert.match(result.stderr, /debian-6\.1-cloud/);
  });

  it("points at a files entry whose source is missing", async () => {
    const dir = await tempDir();
    const yml = join(dir, "broken.yml");
    await writeFile(
      yml,
      `${await readFile(join(EXAMPLES, "minimal.yml"), "utf8")}files:\n  - path: etc/motd\n    source: missing.txt\n`,
    );
    const result = await harness(["build", yml, "-o", dir]);
    assert.equal(result.exitCode, 2, result.stderr);
    assert.match(result.stderr, /broken\.yml:\d+:\d+: .*missing\.txt/);
  });

  it("says where it looked for an image that is neither stored nor reachable", async () => {
    const dir = await tempDir();
    const yml = join(dir, "unreachable.yml");
    const text = (await readFile(join(EXAMPLES, "minimal.yml"), "utf8")).replace(
      "image: harness/busybox",
      "image: 127.0.0.1:9/nothing/here:1.0",
    );
    await writeFile(yml, text);
    const result = await harness(["build", yml, "-o", dir]);
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /127\.0\.0\.1:9/);
  });
});
