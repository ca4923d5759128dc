// Run records and cells made up for tests of the report and the live views.
import type { Cell } from "../../harness/matrix/cells.ts";
import type { CellRecord, RunRecord } from "../../harness/results/run-record.ts";
import type { Status } from "../../harness/results/status.ts";
import { countStatuses } from "../../harness/results/status.ts";
import { NO_LABELS } from "../../harness/cases/labels.ts";

/** A script cell of case `name` on qemu/x86_64. */
export function cellOf(name: string, kernel = "debian-6.1-cloud"): Cell {
  return {
    id: `${name}/qemu-x86_64-${kernel}`,
    platform: "qemu",
    arch: "x86_64",
    kernel,
    repeatIndex: 1,
    testCase: {
      name,
      dir: name,
      kind: "script",
      summary: `the ${name} case`,
      labels: NO_LABELS,
      groups: [],
      repeat: 1,
      exclude: [],
      skip: [],
      timeouts: {},
      driver: "script",
      files: {},
    },
  };
}

/** The record of `cell` ending with `status`. */
export function recordOf(cell: Cell, status: Status, extra: Partial<CellRecord> = {}): CellRecord {
  return {
    id: cell.id,
    case: cell.testCase.name,
    summary: cell.testCase.summary,
    kind: "script",
    platform: cell.platform,
    arch: cell.arch,
    kernel: cell.kernel,
    repeat: cell.repeatIndex,
    status,
    reasons: status === "pass" ? [] : [`${status}ed`],
    durationMs: 1200,
    dir: `cells/${cell.id}`,
    attempts: [],
    tests: [],
    testCounts: { pass: 0, fail: 0, skip: 0, todo: 0, xfail: 0, timeout: 0, error: 0 },
    reproduce: `npx harness run ${cell.testCase.name} --platform qemu`,
    ...extra,
  };
}

/** A complete run record over `cells`. */
export function runOf(runId: string, cells: CellRecord[]): RunRecord {
  return {
    schemaVersion: 1,
    runId,
    state: "complete",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:01:00.000Z",
    durationMs: 60_000,
    exitCode: 1,
    inputs: {
      argv: ["run", "--platform", "qemu"],
      casesDir: "cases",
      patterns: [],
      labels: [],
      platforms: ["qemu"],
      arches: ["x86_64"],
      kernels: ["debian-6.1-cloud"],
      parallel: 2,
      retries: 0,
    },
    host: {
      hostname: "test",
      os: "linux",
      distro: "debian",
      distroVersion: "12",
      arch: "x86_64",
      cpus: 2,
      memoryBytes: 2 ** 31,
      node: "v24",
    },
    counts: countStatuses(cells.map((c) => c.status)),
    cells,
  };
}
