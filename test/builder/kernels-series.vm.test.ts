// Real Debian kernels of three series (5.10, 6.1, 6.12) boot the bundled boot case on both arches
// through the CLI, and each cell records the kernel's source, exact version and sha256 — on an arch
// whose newest listed build the mirror lacks, the build the catalogue falls back to.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Arch } from "../../harness/arch.ts";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { buildContext } from "../../harness/builder/context.ts";
import { loadCatalogue } from "../../harness/builder/kernels/catalogue-store.ts";
import { harness, tempDir } from "../helpers/cli.ts";

describe("kernels of three series boot on both arches", function () {
  // Six TCG boots on a shared 2-core machine, plus the first download of each kernel.
  this.timeout(40 * 60_000);

  it("boots 5.10, 6.1 and 6.12 on x86_64 and aarch64 and records each kernel", async () => {
    const logs = await tempDir();
    const kernels = ["debian-5.10-cloud", "debian-6.1-cloud", "debian-6.12-cloud"];
    const result = await harness([
      "run",
      "boot",
      "--platform",
      "qemu",
      "--arch",
      "x86_64,aarch64",
      "--kernel",
      kernels.join(","),
      "--parallel",
      "2",
      "--logs",
      logs,
    ]);
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    const run = JSON.parse(await readFile(join(logs, "latest", "run.json"), "utf8")) as RunRecord;
    const catalogue = await loadCatalogue(buildContext(process.env).cacheDir);
    assert.equal(run.cells.length, 6);
    for (const cell of run.cells) {
      assert.equal(cell.status, "pass", cell.id);
      const kernel = cell.attempts.at(-1)?.machine?.kernel;
      assert.match(
        kernel?.source ?? "",
        /^debian:(bullseye|bookworm|bookworm-backports)$/,
        cell.id,
      );
      assert.match(kernel?.sha256 ?? "", /^[0-9a-f]{64}$/, cell.id);
      assert.ok(kernel?.version.startsWith(cell.kernel.replace(/^debian-|-cloud$/g, "")), cell.id);
      // The build the catalogue offers on that arch: where the mirror lacks the newest listed one
      // (bullseye-security's arm64 files), the newest it has.
      const offered = catalogue.kernels.find((k) => k.name === cell.kernel)?.arches[
        cell.arch as Arch
      ];
      assert.equal(kernel?.version, offered?.current.version, cell.id);
      // The shell quotes a version with "~" (backports).
      assert.ok(
        cell.reproduce.includes(`--kernel ${cell.kernel}@${kernel?.version ?? ""}`) ||
          cell.reproduce.includes(`--kernel '${cell.kernel}@${kernel?.version ?? ""}'`),
        cell.reproduce,
      );
    }
  });
});
