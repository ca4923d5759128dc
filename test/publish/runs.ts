// Run directories to publish: one real `harness run` over the host-script fixtures, copied into
// variants (all passing, failing, infrastructure errors, several platforms, many failures).
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LinkedRun } from "../../harness/publish/links.ts";
import type { CellRecord } from "../../harness/results/run-record.ts";
import { countStatuses, exitCodeFor } from "../../harness/results/status.ts";
import { FIXTURES, harness, tempDir } from "../helpers/cli.ts";

let real: Promise<string> | undefined;

/** The fixture run (pass, fail, timeout, cancel, skip, a 10 MB log), made once per process. */
export function fixtureRun(): Promise<string> {
  real ??= (async () => {
    const logs = await tempDir("harness-publish-run-");
    const scratch = await tempDir("harness-scratch-");
    process.once("exit", () => {
      for (const dir of [logs, scratch]) rmSync(dir, { recursive: true, force: true });
    });
    const result = await harness(
      [
        "run",
        "--cases",
        FIXTURES,
        "--platform",
        "qemu",
        "--logs",
        logs,
        "--run-id",
        "fixture",
        "--parallel",
        "6",
      ],
      { env: { FIXTURE_SCRATCH: scratch } },
    );
    assert.equal(result.exitCode, 1, result.stderr);
    return join(logs, "fixture");
  })();
  return real;
}

/** The kinds of runs the GitHub tests publish. */
export type Variant = "pass" | "fail" | "error" | "mixed" | "many";

/** A copy of the fixture run as run `runId` under `dir`, reshaped into `variant`. */
export async function runVariant(
  dir: string,
  runId: string,
  variant: Variant = "fail",
): Promise<string> {
  const runDir = join(dir, runId);
  await cp(await fixtureRun(), runDir, { recursive: true });
  const record = await readRecord(runDir);
  record.runId = runId;
  record.cells = reshape(record.cells, variant);
  record.counts = countStatuses(record.cells.map((c) => c.status));
  record.exitCode = exitCodeFor(record.cells.map((c) => c.status));
  await writeFile(join(runDir, "run.json"), `${JSON.stringify(record, null, 2)}\n`);
  return runDir;
}

/** run.json of a run folder. */
export async function readRecord(runDir: string): Promise<LinkedRun> {
  return JSON.parse(await readFile(join(runDir, "run.json"), "utf8")) as LinkedRun;
}

function reshape(cells: CellRecord[], variant: Variant): CellRecord[] {
  const passing = cells.filter((c) => c.status === "pass" || c.status === "skip");
  const failing = cells.filter((c) => c.status === "fail");
  switch (variant) {
    case "fail":
      return cells;
    case "pass":
      return passing;
    case "error":
      return [...passing, asError(failing[0] as CellRecord, "qemu")];
    case "mixed":
      // qemu passes; gcp has a failure and an infrastructure error.
      return [
        ...passing,
        onPlatform(failing[0] as CellRecord, "gcp"),
        asError(failing[1] as CellRecord, "gcp"),
      ];
    case "many":
      return Array.from({ length: 120 }, (_, i) => ({
        ...(failing[i % failing.length] as CellRecord),
        id: `${(failing[i % failing.length] as CellRecord).case}/qemu-x86_64-k${i}`,
        kernel: `k${i}`,
      }));
  }
}

function onPlatform(cell: CellRecord, platform: string): CellRecord {
  return { ...cell, platform, id: cell.id.replace(/\/qemu-/, `/${platform}-`) };
}

function asError(cell: CellRecord, platform: string): CellRecord {
  return {
    ...onPlatform(cell, platform),
    status: "error",
    reasons: [
      "boot: kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
    ],
  };
}
