// The one interface every driver implements: what it adds to the image, what it asks of the boot,
// how it knows the guest is up, and how it turns the running guest into results. Drivers see the
// machine through their own narrow type, so this folder depends on no platform.
import type { Readable } from "node:stream";
import type { Arch } from "../arch.ts";
import type { HarnessError, SourceLocation } from "../errors.ts";
import type { KernelFindingRecord } from "../results/run-record.ts";
import type { ConsoleWatcher } from "./serial/console.ts";

/** The running guest as a driver sees it; a platform's BootedMachine has all of this. */
export interface DrivenMachine {
  console: Readable;
  /** The results channel (a virtio port), or undefined where the platform has none. */
  results: Readable | undefined;
  forwarded: ReadonlyMap<number, { host: string; port: number }>;
  accelerator: string;
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** The file in the cell folder with the platform's own output, when it writes one. */
  logFile?: string;
  sendToConsole(text: string): void;
}

/** Where a driver puts TAP text; `atMs` is the console clock's time of its arrival. */
export interface ResultsSink {
  write(text: string, atMs?: number): void;
}

/** What a driver reads of the case it drives. */
export interface DrivenCase {
  name: string;
  /** "console" when the harness init's results share the console, with a per-run marker. */
  results?: "channel" | "console";
  /** What the driver's readCase returned for this case. */
  driverOptions?: unknown;
}

/** A case.yml as a driver reads it: its fields (schema-checked), its path, where each field is. */
export interface CaseFileView {
  fields: Readonly<Record<string, unknown>>;
  file: string;
  locate(path: readonly (string | number)[]): SourceLocation;
}

/** What one attempt gives its driver. */
export interface DriverContext {
  testCase: DrivenCase;
  arch: Arch;
  platform: string;
  /** Absolute path of the cell's log folder. */
  cellDir: string;
  /** The run's folder, for what the run's cells share (the SSH key pair). */
  runDir: string;
  signal: AbortSignal;
  results: ResultsSink;
  /** How long the guest may take to come up (the case's boot timeout or the arch's default). */
  bootTimeoutMs: number;
}

/** What a driver asks of the boot, on top of the case's own settings. */
export interface BootAsk {
  /** Words appended to the kernel command line. */
  cmdline?: string;
  forwardPorts?: readonly number[];
  /** False to boot without a results channel. */
  resultsChannel?: boolean;
  sshPublicKey?: string;
}

/** What driving found besides the TAP it wrote. */
export interface DriveOutcome {
  /** Failures outside the results, e.g. an onboot container that exited non-zero. */
  failures: string[];
  /** Where results had to come from, when a guest that reports none must fail (see judge()). */
  resultsRequired?: string;
}

/** One attempt's use of a driver: made fresh per attempt, it may keep state between phases. */
export interface DriverSession {
  /** LinuxKit YAML files composed after the case's image (the run's SSH key, …). */
  imageFiles(context: DriverContext): Promise<string[]>;
  /** What the boot must provide; read after imageFiles. */
  bootAsk(context: DriverContext): BootAsk;
  /** Starts watching the guest right after boot; resolves once it is ready to be driven. */
  ready(machine: DrivenMachine, console: ConsoleWatcher, context: DriverContext): Promise<void>;
  /** Drives the guest to its results. */
  drive(
    machine: DrivenMachine,
    console: ConsoleWatcher,
    context: DriverContext,
  ): Promise<DriveOutcome>;
  /** Drops kernel findings the driver read as results (a guest's init exiting with its status). */
  ownFindings?(findings: KernelFindingRecord[]): KernelFindingRecord[];
}

/** What a driver may ask of the platform a case would run on. */
export interface PlatformTraits {
  readonly name: string;
  /** Why the guest's console takes no input there, on a platform where it takes none. */
  readonly noConsoleInput?: string;
}

/** A way of driving a booted guest, named by `driver:` in case.yml. */
export interface Driver {
  readonly name: string;
  readonly summary: string;
  /** Why the driver cannot drive this case on this platform, or undefined when it can. */
  unsupported?(testCase: DrivenCase, platform: PlatformTraits): string | undefined;
  /** The case.yml keys only this driver reads, each with its JSON schema. */
  readonly caseKeys?: Readonly<Record<string, object>>;
  /**
   * Checks what the driver reads of a case.yml past its schema (patterns compile, the options fit
   * together), each error at its line, and returns the options it keeps for the case.
   */
  readCase?(view: CaseFileView): { options?: unknown; errors: HarnessError[] };
  /** A fresh session for one attempt. */
  session(testCase: DrivenCase): DriverSession;
}
