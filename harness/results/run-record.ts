// The run record (run.json): inputs, host, and every cell with its status, timings, attempts and tests.
import type { Outcome, TestPoint } from "./tap.ts";
import type { Status } from "./status.ts";
import type { KernelFinding } from "../console/kernel-findings.ts";

/** A kernel report read off the console (WARNING, BUG, KASAN, …), and the case entry that allowed it. */
export interface KernelFindingRecord extends KernelFinding {
  /** The case's `kernel: allow` entry whose pattern matched this WARNING's line. */
  allowedBy?: { pattern: string; reason: string };
}

/** One phase of one attempt. */
export interface PhaseRecord {
  name: string;
  durationMs: number;
  outcome: "ok" | "failed" | "skipped";
  error?: string;
}

/** One attempt at a cell. */
export interface AttemptRecord {
  number: number;
  status: Exclude<Status, "flaky">;
  reasons: string[];
  startedAt: string;
  durationMs: number;
  phases: PhaseRecord[];
  exitCode?: number | null;
  signal?: string | null;
  machine?: {
    accelerator: string;
    /** The kernel booted: package, exact version, "debian:<suite>" / "file:<path>" / "image:<ref>", binary sha256. */
    kernel?: {
      package: string;
      version: string;
      release: string;
      source?: string;
      sha256?: string;
    };
    stagesMs?: Record<string, number>;
    commandFile?: string;
    /** The runner host (user@host:port) the guest ran on, on the remote platform. */
    runner?: string;
    /** sha256:… of the initrd the guest booted: the image under test, byte for byte. */
    imageDigest?: string;
  };
  /** Kernel reports seen on the console during this attempt, in console order. */
  kernelFindings?: KernelFindingRecord[];
}

/** One cell of the matrix and how it ended. */
export interface CellRecord {
  id: string;
  case: string;
  summary: string;
  kind: "script" | "image";
  platform: string;
  arch: string;
  kernel: string;
  repeat: number;
  status: Status;
  reasons: string[];
  startedAt?: string;
  durationMs: number;
  /** The cell's folder, relative to the run directory. */
  dir: string;
  attempts: AttemptRecord[];
  tests: TestPoint[];
  testCounts: Record<Outcome, number>;
  /** A command that runs just this cell again. */
  reproduce: string;
  /** The case file to annotate when the cell fails. */
  caseFile?: string;
  /** sha256:… over the case folder's files (names and bytes), to tell when a case changed. */
  caseHash?: string;
  /** Where this cell's logs are, once the run is published. */
  logsUrl?: string;
}

/** The whole run. */
export interface RunRecord {
  schemaVersion: 1;
  runId: string;
  state: "complete" | "interrupted";
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  exitCode: number;
  inputs: {
    argv: string[];
    casesDir: string;
    patterns: string[];
    labels: string[];
    platforms: string[];
    arches: string[];
    kernels: string[];
    parallel: number;
    retries: number;
    shard?: string;
  };
  host: {
    hostname: string;
    os: string;
    distro: string;
    distroVersion: string;
    arch: string;
    cpus: number;
    memoryBytes: number;
    node: string;
  };
  counts: Record<Status, number>;
  cells: CellRecord[];
  /** The harness that ran: its package version and, from a git checkout, its commit. */
  harness?: { version: string; commit?: string };
  /** Where the run's logs are, once published. */
  logsUrl?: string;
}
