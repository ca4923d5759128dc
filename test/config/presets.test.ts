import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
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
  it("pr takes every case on both arches with one kernel; nightly every kernel flavour", async () => {
    const pr = await matrixCells(["--preset", "pr"]);
    assert.deepEqual([...new Set(pr.map((c) => c.arch))].sort(), ["aarch64", "x86_64"]);
    assert.deepEqual([...new Set(pr.map((c) => c.kernel))], ["debian-6.1-cloud"]);
    const nightly = await matrixCells(["--preset", "nightly"]);
    assert.equal(new Set(nightly.map((c) => c.kernel)).size, 6);
    // Host checks run once; every image case runs once per kernel flavour.
    const once = pr.filter((c) => c.id.startsWith("host."));
    assert.equal(nightly.length, once.length + (pr.length - once.length) * 6);
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
