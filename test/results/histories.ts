// Synthetic run histories for compare and history tests: nightly runs of a few cells, each cell with
// its TAP tests, the kernel package it booted, the image digest, the harness commit and case hash.
import type { AttemptRecord, CellRecord, RunRecord } from "../../harness/results/run-record.ts";
import type { Status } from "../../harness/results/status.ts";
import type { Outcome, TestPoint } from "../../harness/results/tap.ts";
import { cellOf, recordOf, runOf } from "../report/records.ts";

/** What one cell did in one run. */
export interface CellSpec {
  name: string;
  status: Status;
  /** Test name (a leaf under the suite "suite") to outcome. */
  tests?: Record<string, Outcome>;
  kernelVersion?: string;
  imageDigest?: string;
  caseHash?: string;
  kernel?: string;
}

/** A cell record as `spec` says, on qemu/x86_64 with the given catalogue kernel. */
export function cellRecord(spec: CellSpec): CellRecord {
  const cell = cellOf(spec.name, spec.kernel ?? "debian-6.12-cloud");
  const tests = Object.entries(spec.tests ?? {});
  const children = tests.map(([name, outcome], i) => point(i + 2, ["suite", name], outcome));
  const suite =
    tests.length === 0
      ? []
      : [
          {
            ...point(1, ["suite"], children.some((c) => c.outcome === "fail") ? "fail" : "pass"),
            children,
          },
        ];
  const attempt: AttemptRecord = {
    number: 1,
    status: spec.status === "flaky" ? "pass" : spec.status,
    reasons: [],
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 1000,
    phases: [],
    machine: {
      accelerator: "tcg",
      kernel: {
        package: "linux-image-cloud-amd64",
        version: spec.kernelVersion ?? "6.12.107-1",
        release: "6.12-cloud-amd64",
      },
      imageDigest: spec.imageDigest ?? `sha256:${"a".repeat(64)}`,
    },
  };
  return recordOf(cell, spec.status, {
    kind: "image",
    attempts: [attempt],
    tests: suite,
    caseHash: spec.caseHash ?? `sha256:${"c".repeat(64)}`,
  });
}

/** Nightly run number `day` (one a day from 2026-01-01) of the given cells. */
export function nightly(
  day: number,
  cells: CellSpec[],
  harness = { version: "0.1.0", commit: "1".repeat(40) },
): RunRecord {
  const startedAt = new Date(Date.UTC(2026, 0, day, 2, 17)).toISOString();
  return { ...runOf(`nightly-${day}`, cells.map(cellRecord)), startedAt, harness };
}

function point(id: number, path: string[], outcome: Outcome): TestPoint {
  return { id, name: path[path.length - 1] as string, path, outcome, children: [] };
}
