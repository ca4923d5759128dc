// --kernel file:PATH names a file that cannot be a kernel: run, build and matrix say what is wrong
// with it, exit 2 and start nothing.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { execa } from "execa";
import { checkKernelFile } from "../../harness/builder/kernels/kernel-file-check.ts";
import { FIXTURES, REPO, harness, tempDir } from "../helpers/cli.ts";

const MINIMAL = join(REPO, "cases", "examples", "minimal.yml");

/** A buffer of `size` zero bytes with `magic` written at `offset`. */
function withMagic(size: number, offset: number, magic: Buffer | string): Buffer {
  const data = Buffer.alloc(size);
  Buffer.from(magic).copy(data, offset);
  return data;
}

describe("--kernel file:PATH that is no kernel", function () {
  this.timeout(120_000);
  let work: string;

  before(async () => {
    work = await tempDir();
    await mkdir(join(work, "boot"));
    await writeFile(join(work, "boot", "vmlinuz-6.1.0-test"), withMagic(0x400, 0x202, "HdrS"));
    await writeFile(join(work, "initrd.img"), gzipSync(Buffer.from("070701")).subarray(0, 2));
    await writeFile(join(work, "notes.txt"), "not a kernel at all\n".repeat(100));
    await writeFile(join(work, "vmlinux"), withMagic(0x400, 0, "\x7fELF"));
  });

  // Each command with the kernel flag, and a check that nothing was started.
  function commands(kernel: string) {
    const logs = join(work, "logs");
    const out = join(work, "out");
    return [
      {
        name: "run",
        args: [
          "run",
          "--cases",
          FIXTURES,
          "--platform",
          "qemu",
          "--logs",
          logs,
          "--kernel",
          kernel,
        ],
        started: () => existsSync(logs) && readdir(logs).then((e) => e.length > 0),
      },
      {
        name: "build",
        args: ["build", MINIMAL, "-o", out, "--kernel", kernel],
        started: () => existsSync(out),
      },
      {
        name: "matrix",
        args: [
          "matrix",
          "--cases",
          FIXTURES,
          "--platform",
          "qemu",
          "--shards",
          "2",
          "--format",
          "json",
          "--kernel",
          kernel,
        ],
        started: () => false,
      },
    ];
  }

  async function expectRefused(kernel: string, message: RegExp, hint: RegExp) {
    for (const command of commands(kernel)) {
      const result = await harness(command.args);
      const output = result.stdout + result.stderr;
      assert.equal(result.exitCode, 2, `${command.name}: ${output}`);
      assert.match(result.stderr, message, command.name);
      assert.match(result.stderr, /\[EKERNELFILE\]/, command.name);
      assert.match(result.stderr, hint, command.name);
      assert.doesNotMatch(output, /^\s+at /m, `${command.name}: no stack trace`);
      assert.equal(await command.started(), false, `${command.name} started something`);
    }
  }

  it("a missing file: its path and what to pass instead", async () => {
    const path = join(work, "vmlinuz-missing");
    await expectRefused(
      `file:${path}`,
      new RegExp(`kernel file ${path} does not exist`),
      /check the path.*vmlinuz, bzImage or Image/,
    );
  });

  it("a folder: names the kernels inside it", async () => {
    const path = join(work, "boot");
    await expectRefused(
      `file:${path}`,
      new RegExp(`kernel file ${path} is a folder`),
      /vmlinuz-6\.1\.0-test/,
    );
  });

  it("a file that is not a kernel image: what it looks like instead", async () => {
    await expectRefused(
      `file:${join(work, "notes.txt")}`,
      /notes\.txt is not a kernel image: a text file/,
      /bzImage.*HdrS.*Image.*ARM\\x64.*gzip.*zstd/,
    );
    await expectRefused(
      `file:${join(work, "vmlinux")}`,
      /vmlinux is not a kernel image: an ELF file/,
      /bzImage/,
    );
  });

  it("an unreadable file: says it cannot be read", async function () {
    const path = join(work, "vmlinuz-locked");
    await chmod(work, 0o755);
    await writeFile(path, withMagic(0x400, 0x202, "HdrS"), { mode: 0o000 });
    await chmod(path, 0o000);
    // root reads any file, so the harness runs as nobody here; it needs to read the repository.
    const nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    const harnessBin = join(REPO, "bin", "harness");
    const asNobody = process.getuid?.() === 0;
    if (asNobody) {
      const probe = await execa("setpriv", [...nobody, "test", "-r", harnessBin], {
        reject: false,
      });
      if (probe.exitCode !== 0) this.skip();
    }
    const args = ["build", MINIMAL, "-o", join(work, "out-locked"), "--kernel", `file:${path}`];
    const result = await execa(
      asNobody ? "setpriv" : harnessBin,
      asNobody ? [...nobody, harnessBin, ...args] : args,
      {
        reject: false,
        env: { HOME: work, NODE_COMPILE_CACHE: join(work, "compile-cache"), HARNESS_BUNDLE: "0" },
        extendEnv: false,
      },
    );
    assert.equal(result.exitCode, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`kernel file ${path} cannot be read`));
    assert.match(result.stderr, /\[EKERNELFILE\]/);
  });

  it("takes every kernel image format the magic check knows", () => {
    const gzip = gzipSync(withMagic(0x100, 0x38, "ARMd"));
    const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(0x300)]);
    const zboot = Buffer.concat([Buffer.from("MZ\0\0zimg"), Buffer.alloc(0x300)]);
    const formats: [string, Buffer][] = [
      ["x86_64 bzImage", withMagic(0x400, 0x202, "HdrS")],
      ["arm64 Image", withMagic(0x400, 0x38, "ARMd")],
      ["gzip-compressed kernel", gzip],
      ["zstd-compressed kernel", zstd],
      ["EFI zboot kernel", zboot],
    ];
    return Promise.all(
      formats.map(async ([kind, data], index) => {
        const path = join(work, `kernel-${index}`);
        await writeFile(path, data);
        assert.equal(checkKernelFile(path), kind);
      }),
    );
  });
});
