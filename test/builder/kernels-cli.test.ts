// --kernel in harness run and matrix: catalogue names, pins of a version the suite serves (another is
// exit 2 listing the ones it has) and file: kernels, named after the file and its hash.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";

import { buildContext } from "../../harness/builder/context.ts";
import { loadCatalogue } from "../../harness/builder/kernels/catalogue-store.ts";
import { fetchDebianKernel } from "../../harness/builder/kernels/debian.ts";
import { harness, tempDir } from "../helpers/cli.ts";

const CACHE = buildContext(process.env).cacheDir;

interface MatrixJson {
  cells: { id: string; kernel: string; arch: string }[];
}

describe("--kernel pins and files in run and matrix", function () {
  this.timeout(600_000);
  let current: string;
  let served: string[];
  before(async () => {
    const catalogue = await loadCatalogue(CACHE);
    const entry = catalogue.kernels.find((k) => k.name === "debian-6.1-cloud");
    assert.ok(entry, "the catalogue has debian-6.1-cloud");
    current = entry.arches.x86_64?.current.version ?? "";
    served = entry.arches.x86_64?.builds.map((b) => b.version) ?? [];
  });

  it("matrix takes a pin of a version the suite serves, and the cell carries it", async () => {
    const result = await harness([
      "matrix",
      "boot",
      "--platform",
      "qemu",
      "--kernel",
      `debian-6.1-cloud@${current}`,
      "--format",
      "json",
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    const cells = (JSON.parse(result.stdout) as MatrixJson).cells;
    assert.deepEqual(
      cells.map((c) => c.kernel),
      [`debian-6.1-cloud@${current}`],
    );
  });

  it("run refuses a version the suite does not serve with exit 2, listing the ones it has", async () => {
    const logs = await tempDir();
    const result = await harness([
      "run",
      "boot",
      "--platform",
      "qemu",
      "--kernel",
      "debian-6.1-cloud@6.1.0-0",
      "--logs",
      logs,
    ]);
    assert.equal(result.exitCode, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /debian-6\.1-cloud has no version "6\.1\.0-0" in bookworm/);
    for (const version of served) assert.ok(result.stderr.includes(version), `${version} listed`);
    assert.deepEqual(readdirSync(logs), [], "no run folder was written");
  });

  it("run and matrix name an unknown series as unknown, with the catalogue's names", async () => {
    const result = await harness([
      "matrix",
      "boot",
      "--kernel",
      "debian-4.19-cloud",
      "--format",
      "json",
    ]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /unknown kernel "debian-4\.19-cloud"[\s\S]*harness kernels/);
  });

  it("matrix names a file: kernel after its file and hash, on the arch its header says", async () => {
    const kernel = await fetchDebianKernel("debian-6.1-cloud", "x86_64", CACHE);
    const sha = createHash("sha256").update(readFileSync(kernel.vmlinuz)).digest("hex");
    const result = await harness([
      "matrix",
      "boot",
      "--platform",
      "qemu",
      "--arch",
      "x86_64,aarch64",
      "--kernel",
      `file:${kernel.vmlinuz}`,
      "--format",
      "json",
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    const cells = (JSON.parse(result.stdout) as MatrixJson).cells;
    const name = `file-vmlinuz-${kernel.release}-${sha.slice(0, 12)}`;
    assert.deepEqual(
      cells.map((c) => [c.arch, c.kernel]),
      [["x86_64", name]],
    );
    assert.ok(cells[0]?.id.endsWith(`qemu-x86_64-${name}`));
  });

  it("harness kernels shows suite, exact version and arches, and the suites it could not use", async () => {
    const result = await harness(["kernels"]);
    assert.equal(result.exitCode, 0, result.stderr);
    const line = result.stdout.split("\n").find((l) => l.startsWith("debian-6.1-cloud "));
    assert.match(
      line ?? "",
      new RegExp(`bookworm\\s+${current.replace(/[.+~]/g, "\\$&")}\\s+x86_64,aarch64\\s+default`),
    );
  });
});
