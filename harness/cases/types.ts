// The shapes of discovered test cases and their groups.
import type { LabelSet } from "./labels.ts";

import type { Arch } from "../arch.ts";

export { ARCHES, type Arch } from "../arch.ts";

/** Matches matrix cells by platform, arch and kernel (globs allowed in kernel and platform). */
export interface CellFilter {
  platform?: string;
  arch?: Arch;
  kernel?: string;
  reason?: string;
}

/** A kernel WARNING a case expects: recorded, but not failing the cell. */
export interface KernelAllow {
  /** A regular expression matched against the WARNING's line. */
  pattern: string;
  reason: string;
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

/** One SSH step run from the host against the guest. */
export interface SshStep {
  name: string;
  run: string;
  timeoutMs?: number;
  exit: number;
  tap: boolean;
}

/** One step of a scripted serial console: wait for a pattern, or type a line. */
export interface SerialStep {
  /** The TAP test name. */
  name: string;
  /** A regular expression the console output since the previous match must match. */
  expect?: string;
  /** A line typed into the console (a newline is added). */
  send?: string;
  timeoutMs: number;
  /** Where the step is written (case.yml:line), for messages. */
  at: string;
}

/** How the console driver reads an unmodified image's verdict. */
export type ConsoleResults =
  | { kind: "markers"; passed: string; failed: string }
  | { kind: "tap-after"; start: string }
  | { kind: "exit-status" };

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
  driver: "script" | "serial" | "ssh" | "console";
  /** "console" forces results onto the console with a per-run marker. */
  results?: "channel" | "console";
  sshSteps?: readonly SshStep[];
  /** Scripted console steps (driver: serial with steps:). */
  serialSteps?: readonly SerialStep[];
  /** Where the console driver reads the verdict (driver: console). */
  consoleResults?: ConsoleResults;
  expect?: { plan?: number; tests?: readonly string[] };
  memoryMiB?: number;
  /** Sizes ("512M", "2G") of blank disks to attach. */
  disks?: readonly string[];
  cpus?: number;
  /** Kernel WARNINGs the case allows (case.yml kernel.allow). */
  kernelAllow?: readonly KernelAllow[];
  files: { caseFile?: string; script?: string; image?: string };
}
