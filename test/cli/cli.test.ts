import assert from "node:assert/strict";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FIXTURES, LINUXKIT_CASES, REPO, harness, needCorpus, tempDir } from "../helpers/cli.ts";

describe("harness CLI", () => {
  it("suggests the closest command and exits 2 for an unknown one", async () => {
    const result = await harness(["lsit"]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /unknown command "lsit"/);
    assert.match(result.stderr, /did you mean "list"/);
  });

  it("suggests the closest flag and exits 2 for an unknown one", async () => {
    const result = await harness(["run", "--platfrom", "qemu"]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /unknown flag --platfrom/);
    assert.match(result.stderr, /did you mean "--platform"/);
  });

  it("prints its version and a command's help through `help COMMAND`", async () => {
    const { version } = JSON.parse(await readFile(join(REPO, "package.json"), "utf8")) as {
      version: string;
    };
    for (const flag of ["--version", "-V"]) {
      const result = await harness([flag]);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout.trim(), `harness ${version}`);
    }
    const help = await harness(["help", "run"]);
    assert.equal(help.exitCode, 0, help.stderr);
    assert.match(help.stdout, /^Usage: harness run /m);
    const unknown = await harness(["help", "nope"]);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /unknown command "nope"/);
  });

  it("prints help for every command", async () => {
    for (const command of [
      "doctor",
      "list",
      "run",
      "matrix",
      "validate",
      "kernels",
      "merge",
      "compare",
      "confirm",
      "fetch-run",
      "issues",
    ]) {
      const result = await harness([command, "--help"]);
      assert.equal(result.exitCode, 0, command);
      assert.match(result.stdout, new RegExp(`Usage: harness ${command}`));
    }
  });

  it("lists LinuxKit's cases as rtf names them, hiding kernel-labelled ones unless -l kernel", async function () {
    needCorpus(this);
    const plain = await harness(["list", "--cases", LINUXKIT_CASES, "--json"]);
    assert.equal(plain.exitCode, 0, plain.stderr);
    const rows = JSON.parse(plain.stdout) as {
      name: string;
      summary: string;
      labels: string[];
      state: string;
    }[];
    assert.ok(
      rows.some(
        (r) => r.name === "linuxkit.packages.containerd" && r.summary === "Run containerd test",
      ),
    );
    assert.ok(rows.every((r) => r.state === "run" && !r.labels.includes("kernel")));
    const withKernel = JSON.parse(
      (await harness(["list", "--cases", LINUXKIT_CASES, "--json", "-l", "kernel"])).stdout,
    ) as typeof rows;
    const kernelOnly = withKernel.filter((r) => r.labels.includes("kernel"));
    assert.ok(kernelOnly.length > 0);
    assert.ok(withKernel.length > rows.length);
  });

  it("reports bad labels, shards, platforms, kernels and case folders with exit 2", async () => {
    const cases = ["--cases", FIXTURES];
    const bad: [string[], RegExp][] = [
      [["list", ...cases, "-l", "a,,b"], /bad label "" in -l/],
      [["run", ...cases, "--platform", "qemu", "--shard", "3/2"], /bad shard "3\/2" in --shard/],
      [
        ["run", ...cases, "--platform", "qemoo"],
        /unknown platform "qemoo".*\n.*did you mean "qemu"/,
      ],
      [
        ["run", ...cases, "--platform", "qemu", "--kernel", "debian-6.2"],
        /unknown kernel "debian-6.2"/,
      ],
      [
        ["run", ...cases, "--platform", "qemu", "--arch", "riscv64"],
        /unknown architecture "riscv64"/,
      ],
      [
        ["run", ...cases, "--platform", "qemu", "--parallel", "zero"],
        /--parallel must be a whole number/,
      ],
      [["list", "--cases", "/no/such/folder"], /cases folder not found: \/no\/such\/folder/],
      [["run", ...cases], /--platform is required/],
    ];
    for (const [args, pattern] of bad) {
      const result = await harness(args);
      assert.equal(result.exitCode, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
    }
  });

  it("writes nothing under logs/ when the input is bad", async () => {
    const root = await tempDir();
    await mkdir(join(root, "cases", "010_broken"), { recursive: true });
    await writeFile(join(root, "cases", "010_broken", "case.yml"), "summary: x\nplatforms: qemu\n");
    const result = await harness(
      ["run", "--platform", "qemu", "--cases", "cases", "--logs", "logs"],
      { cwd: root },
    );
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /010_broken\/case\.yml:2:12: platforms must be array/);
    assert.deepEqual(await readdir(root), ["cases"]);
  });

  it("prints a strategy.matrix for GitHub with every cell in one shard", async () => {
    const args = [
      "matrix",
      "--cases",
      FIXTURES,
      "--platform",
      "qemu",
      "--arch",
      "x86_64,aarch64",
      "--shards",
      "3",
    ];
    const github = await harness([...args, "--format", "github"]);
    assert.equal(github.exitCode, 0, github.stderr);
    const parsed = JSON.parse(github.stdout) as { include: { shard: string; cells: number }[] };
    assert.deepEqual(
      parsed.include.map((s) => s.shard),
      ["1/3", "2/3", "3/3"],
    );
    const json = JSON.parse((await harness([...args, "--format", "json"])).stdout) as {
      cells: { id: string }[];
    };
    assert.equal(
      parsed.include.reduce((sum, s) => sum + s.cells, 0),
      json.cells.length,
    );
    assert.equal(new Set(json.cells.map((c) => c.id)).size, json.cells.length);
  });

  it("validates LinuxKit's case tree", async function () {
    needCorpus(this);
    const good = await harness(["validate", LINUXKIT_CASES]);
    assert.equal(good.exitCode, 0, good.stderr);
  });

  it("validates case trees and points at broken files", async () => {
    const root = await tempDir();
    await mkdir(join(root, "a"), { recursive: true });
    await writeFile(join(root, "a", "case.yml"), "summary: x\nrepeat: many\n");
    const bad = await harness(["validate", root]);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /a\/case\.yml:2:9: repeat must be integer/);
  });

  it("doctor reports the qemu emulators", async () => {
    const result = await harness(["doctor"]);
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /qemu-system-x86_64: QEMU emulator version/);
    assert.match(result.stdout, /qemu-system-aarch64: QEMU emulator version/);
  });
});
