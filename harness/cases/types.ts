// The shapes of discovered test cases and their groups.
import type { LabelSet } from "./labels.ts";

import type { Arch } from "../arch.ts";
import type { KernelAllow } from "../results/kernel-allow.ts";

export { ARCHES, type Arch } from "../arch.ts";
export type { KernelAllow } from "../results/kernel-allow.ts";

/** Matches matrix cells by platform, arch and kernel (globs allowed in kernel and platform). */
export interface CellFilter {
  platform?: string;
  arch?: Arch;
  kernel?: string;
  reason?: string;
}

/** Per-phase deadlines of a case, in milliseconds. */
export interface CaseTimeouts {
  cellMs?: number;
  buildMs?: number;
  bootMs?: number;
  driveMs?: number;
  teardownMs?: number;
  /** How long console and results may both stay quiet. */
  silenceMs?: number;
}

/** A folder of cases with an optional group.sh (init/deinit) and its own labels. */
export interface CaseGroup {
  name: string;
  dir: string;
  script?: string;
  labels: LabelSet;
}

/** How a case is exercised: a host script (rtf style) or an image booted and driven by the harness. */
export type CaseKind = "script" | "image";

/** A discovered test case with everything the matrix and the runner need. */
export interface TestCase {
  name: string;
  dir: string;
  kind: CaseKind;
  summary: string;
  /** The case's own labels merged with its groups'. */
  labels: LabelSet;
  /** Enclosing groups from the root down, for label checks and group init/deinit. */
  groups: readonly CaseGroup[];
  repeat: number;
  author?: string;
  issue?: string;
  platforms?: readonly string[];
  arches?: readonly Arch[];
  kernels?: readonly string[];
  exclude: readonly CellFilter[];
  skip: readonly CellFilter[];
  timeouts: CaseTimeouts;
  /** "script" for a host script case; else the name of the driver (harness/drivers) that drives it. */
  driver: string;
  /** "console" forces results onto the console with a per-run marker. */
  results?: "channel" | "console";
  /** What the case's driver read of its case.yml (steps, how to read the verdict), for it alone. */
  driverOptions?: unknown;
  expect?: { plan?: number; tests?: readonly string[] };
  memoryMiB?: number;
  /** Sizes ("512M", "2G") of blank disks to attach. */
  disks?: readonly string[];
  cpus?: number;
  /** Kernel WARNINGs the case allows (case.yml kernel.allow). */
  kernelAllow?: readonly KernelAllow[];
  files: { caseFile?: string; script?: string; image?: string };
}
