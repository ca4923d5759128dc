import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { harness, tempDir } from "../helpers/cli.ts";

async function matrixCells(
  args: string[],
): Promise<{ id: string; arch: string; kernel: string }[]> {
  const result = await harness(["matrix", "--format", "json", ...args]);
  assert.equal(result.exitCode, 0, result.stderr);
  return (JSON.parse(result.stdout) as { cells: { id: string; arch: string; kernel: string }[] })
    .cells;
}

describe("presets in harness.yml", () => {
  it("pr takes every case on both arches with one kernel; nightly boots every kernel", async () => {
    const pr = await matrixCells(["--preset", "pr"]);
    assert.deepEqual([...new Set(pr.map((c) => c.arch))].sort(), ["aarch64", "x86_64"]);
    assert.deepEqual([...new Set(pr.map((c) => c.kernel))], ["debian-6.1-cloud"]);
    const nightly = await matrixCells(["--preset", "nightly"]);
    const kernels = await harness(["kernels", "--json"]);
    const catalogue = (JSON.parse(kernels.stdout) as { kernels: { name: string }[] }).kernels.map(
      (k) => k.name,
    );
    assert.deepEqual([...new Set(nightly.map((c) => c.kernel))].sort(), [...catalogue].sort());
    // Every case on the cloud kernel of each series; the boot and kernel cases on every other one.
    const full = nightly.filter((c) => c.id.startsWith("runc."));
    assert.equal(new Set(full.map((c) => c.kernel)).size, 6);
    const boot = nightly.filter((c) => c.id.startsWith("boot."));
    assert.equal(boot.length, catalogue.length * 2, "boot on every kernel, both arches");
    assert.equal(new Set(nightly.map((c) => c.id)).size, nightly.length, "each cell once");
  });

  it("adds an also: entry's cells to the preset's, unless the command line names kernels", async () => {
    const dir = await tempDir();
    const file = join(dir, "harness.yml");
    await writeFile(
      file,
      [
        "presets:",
        "  sweep:",
        "    summary: s",
        "    platforms: [qemu]",
        "    arches: [x86_64]",
        "    kernels: [debian-6.1-cloud]",
        "    also:",
        "      - kernels: [debian-6.12, debian-6.1-cloud]",
        "        patterns: [boot.*]",
        "",
      ].join("\n"),
    );
    const cells = await matrixCells(["--preset", "sweep", "--config", file]);
    const base = await matrixCells(["--platform", "qemu", "--arch", "x86_64"]);
    assert.deepEqual(
      cells.map((c) => c.id),
      [...base.map((c) => c.id), "boot.banner/qemu-x86_64-debian-6.12"],
      "the boot case on 6.12 added once; 6.1-cloud's cells not twice",
    );
    const named = await matrixCells([
      "--preset",
      "sweep",
      "--config",
      file,
      "--kernel",
      "debian-6.12",
    ]);
    assert.ok(named.every((c) => c.kernel === "debian-6.12"));
    assert.ok(
      named.some((c) => c.id.startsWith("runc.")),
      "the whole case set on the named kernel",
    );
    const excluded = await matrixCells([
      "--preset",
      "sweep",
      "--config",
      file,
      "--exclude",
      "boot.*",
    ]);
    assert.ok(!excluded.some((c) => c.id.startsWith("boot.")), "--exclude reaches every part");
    await writeFile(file, `${await readFile(file, "utf8")}        kernel: [x]\n`);
    const bad = await harness(["matrix", "--preset", "sweep", "--config", file]);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /harness\.yml:10:9: unknown field "kernel"/);
  });

  it("lets flags on the command line win over the preset", async () => {
    const cells = await matrixCells([
      "--preset",
      "nightly",
      "--arch",
      "x86_64",
      "--kernel",
      "debian-6.12",
    ]);
    assert.ok(cells.length > 0);
    assert.ok(cells.every((c) => c.arch === "x86_64" && c.kernel === "debian-6.12"));
  });

  it("names the presets that exist when asked for another", async () => {
    const result = await harness(["run", "--preset", "nightlly"]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /unknown preset "nightlly"[\s\S]*did you mean "nightly"/);
  });

  it("points at a bad config file's line and column", async () => {
    const dir = await tempDir();
    const file = join(dir, "harness.yml");
    await writeFile(file, "presets:\n  quick:\n    summary: fast\n    kernel: [debian-6.1]\n");
    const result = await harness(["matrix", "--preset", "quick", "--config", file]);
    assert.equal(result.exitCode, 2);
    assert.match(
      result.stderr,
      /harness\.yml:4:5: unknown field "kernel"[\s\S]*did you mean "kernels"/,
    );
    await writeFile(file, "presets:\n  quick:\n    summary: fast\n    kernels: [debian-7]\n");
    const badKernel = await harness(["matrix", "--preset", "quick", "--config", file]);
    assert.equal(badKernel.exitCode, 2);
    assert.match(badKernel.stderr, /harness\.yml:4:14: unknown kernel "debian-7" in preset quick/);
  });
});
