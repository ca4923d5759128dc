// What a cell needs from whoever runs it: one method per lifecycle phase.
import type { Cell } from "../matrix/cells.ts";
import type { TapCollector } from "../results/tap.ts";
import type { HostInfo } from "../util/host-labels.ts";
import type { LabelSet } from "../cases/labels.ts";
import type { Writable } from "node:stream";
import type { CellStage } from "../results/stages.ts";
import type { Platform } from "../../platforms/types.ts";
import type { KernelFindingRecord } from "../results/run-record.ts";

export type { CellStage };

/** Everything an attempt can use; `signal` is the current phase's. */
export interface AttemptContext {
  cell: Cell;
  runId: string;
  attempt: number;
  /** Absolute path of the cell's log folder. */
  cellDir: string;
  casesRoot: string;
  activeLabels: LabelSet;
  host: HostInfo;
  signal: AbortSignal;
  /** console.log: everything the guest (or the host script) printed. */
  console: Writable;
  /** Where test results are read from. */
  results: TapCollector;
  /** Told when the cell enters a phase or its console reaches a boot stage (live progress). */
  onStage?: (cell: Cell, stage: CellStage) => void;
  /** The run's own platform instances (remote runners), used before the registry's of that name. */
  platforms?: readonly Platform[];
}

/** How the driven program ended, when there was one. */
export interface DriveResult {
  exitCode?: number | null;
  signal?: string | null;
  /** Failures seen besides the results, e.g. an onboot container that exited non-zero. */
  failures?: string[];
  /** Where the results had to come from, when reporting none must fail the cell (see judge()). */
  resultsRequired?: string;
  machine?: MachineInfo;
}

/** What ran the cell: accelerator, exact kernel, boot stage times; kept in run.json. */
export interface MachineInfo {
  accelerator: string;
  /** The kernel booted: its package and exact version, where it came from, its binary's sha256. */
  kernel?: { package: string; version: string; release: string; source?: string; sha256?: string };
  /** Milliseconds from the machine's start to each boot stage. */
  stagesMs?: Record<string, number>;
  /** The file holding the exact command line, relative to the cell folder. */
  commandFile?: string;
  /** The runner host the guest ran on, when not this host. */
  runner?: string;
  /** sha256:… of the initrd the guest booted. */
  imageDigest?: string;
}

/** Runs the phases of one attempt; teardown must release everything the others started. */
export interface CellExecutor {
  build(context: AttemptContext): Promise<void>;
  boot(context: AttemptContext): Promise<void>;
  drive(context: AttemptContext): Promise<DriveResult>;
  teardown(context: AttemptContext): Promise<void>;
  /** What ran the attempt, also when it failed before drive. */
  machineInfo?(): MachineInfo | undefined;
  /** Kernel reports its console showed; read after teardown, once the console has closed. */
  kernelFindings?(): KernelFindingRecord[];
}
