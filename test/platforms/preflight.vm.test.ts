import assert from "node:assert/strict";
import { mkdir, readdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { preflight } from "../../platforms/qemu/preflight.ts";
import type { HarnessError } from "../../harness/errors.ts";
import { REPO, harness, tempDir } from "../helpers/cli.ts";

describe("qemu preflight and per-cell errors", function () {
  this.timeout(600_000);
  let image: { kernel: string; initrd: string; cmdline: string };

  before(async () => {
    const out = await tempDir();
    const built = await harness([
      "build",
      join(REPO, "cases", "examples", "minimal.yml"),
      "--arch",
      "x86_64",
      "-o",
      out,
    ]);
    assert.equal(built.exitCode, 0, built.stderr);
    image = {
      kernel: join(out, "minimal-kernel"),
      initrd: join(out, "minimal-initrd.img"),
      cmdline: "",
    };
  });

  const request = (over: object) => ({
    arch: "x86_64" as const,
    image,
    memoryMiB: 256,
    cpus: 1,
    stateDir: "/tmp",
    cacheDir: "/tmp",
    env: process.env,
    signal: new AbortController().signal,
    ...over,
  });

  it("refuses a kernel of another arch", async () => {
    await assert.rejects(
      preflight(request({ arch: "aarch64" })),
      (error: HarnessError) =>
        error.code === "EIMAGEARCH" && /is for x86_64, not aarch64/.test(error.message),
    );
  });

  it("refuses memory the host cannot give", async () => {
    await assert.rejects(
      preflight(request({ memoryMiB: 100_000_000 })),
      (error: HarnessError) => error.code === "EMEMORY",
    );
  });

  it("refuses missing image files", async () => {
    await assert.rejects(
      preflight(request({ image: { ...image, initrd: "/nonexistent/initrd" } })),
      (error: HarnessError) => error.code === "EIMAGEMISSING",
    );
  });

  it("accepts a good request", async () => {
    await preflight(request({}));
  });

  it("makes a bad cell an error while the other cells go on", async () => {
    const logs = await tempDir();
    const cases = join(REPO, "test", "fixtures", "image-cases");
    const result = await harness([
      "run",
      "vm.too_much_memory",
      "vm.failing_container",
      "--cases",
      cases,
      "--platform",
      "qemu",
      "--logs",
      logs,
    ]);
    assert.match(result.stdout, /ERROR .*vm\.too_much_memory/);
    assert.match(result.stdout, /EMEMORY/);
    assert.match(result.stdout, /FAIL .*vm\.failing_container/);
    assert.equal(result.exitCode, 1);
  });

  it("reports an arch without its qemu binary as that cell's error", async () => {
    // A PATH with every host tool except qemu-system-aarch64.
    const bin = await tempDir("harness-path-");
    await mkdir(bin, { recursive: true });
    for (const dir of ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]) {
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (name === "qemu-system-aarch64") continue;
        await symlink(join(dir, name), join(bin, name)).catch(() => undefined);
      }
    }
    const result = await harness(
      ["run", "boot", "--arch", "x86_64,aarch64", "--platform", "qemu", "--logs", await tempDir()],
      { env: { PATH: bin } },
    );
    assert.match(
      result.stdout,
      /ERROR .*boot\.banner\/qemu-aarch64.*\n.*qemu-system-aarch64 is not installed/,
    );
    assert.match(result.stdout, /PASS .*boot\.banner\/qemu-x86_64/);
  });
});
