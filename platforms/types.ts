// The one interface every platform implements; SDK types never leave a platform's folder.
import type { Readable, Writable } from "node:stream";
import type { Arch } from "../harness/arch.ts";
import type { SourceLocation } from "../harness/errors.ts";
import type { FlagSpec, ParsedArgs } from "../harness/util/args.ts";
import type { Command } from "../harness/util/command.ts";

/** Image formats the builder can write. */
export type ImageFormat = "kernel+initrd" | "raw-bios" | "iso-bios" | "gcp";

/** What probing a platform found on this host. */
export interface ProbeResult {
  available: boolean;
  /** Arches this host can run on the platform right now. */
  arches: Arch[];
  /** One line per fact checked, e.g. "qemu-system-aarch64: QEMU emulator version 7.2.19". */
  details: string[];
  /** Why it is unavailable and what to do, when it is. */
  reason?: string;
}

/** What probing a platform is given: the cache folder and the environment, as boot gets them. */
export interface ProbeOptions {
  signal?: AbortSignal;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
}

/** The files of a built image, as `harness build` writes them. */
export interface BootImage {
  kernel: string;
  initrd: string;
  cmdline: string;
  /** A bootable disk (raw-bios) used instead of kernel+initrd when set. */
  disk?: string;
}

/** What a cell asks a platform to boot. */
export interface BootRequest {
  arch: Arch;
  image: BootImage;
  memoryMiB: number;
  cpus: number;
  /** Extra raw disks attached as virtio block devices. */
  disks?: readonly string[];
  /** Guest TCP ports to forward from the host (22 for SSH). */
  forwardPorts?: readonly number[];
  /** False to boot without a results channel (results then share the console). */
  resultsChannel?: boolean;
  /** A folder for this boot's state (sockets, logs, the command line). */
  stateDir: string;
  /** The harness's cache folder (what a platform keeps between runs: the KVM verdict). */
  cacheDir: string;
  /** The environment the run was started with, for the settings a platform reads from it. */
  env: NodeJS.ProcessEnv;
  /** The run's SSH public key, for platforms that install keys from outside the image (GCP metadata). */
  sshPublicKey?: string;
  signal: AbortSignal;
}

/** How the guest ended. */
export interface MachineExit {
  code: number | null;
  signal: string | null;
}

/** A running guest; disposing it stops it and everything it started. */
export interface BootedMachine extends AsyncDisposable {
  /** Bytes from the first serial port; its last bytes may come after `exited`, before 'close'. */
  console: Readable;
  /** Bytes from the results channel (a virtio port), or undefined where there is none. */
  results: Readable | undefined;
  /** Where the guest's forwarded ports are reachable on the host. */
  forwarded: ReadonlyMap<number, { host: string; port: number }>;
  /** "kvm" or "tcg": how the guest's CPU runs. */
  accelerator: string;
  /** The command line that started it, to rerun by hand. */
  commandLine: readonly string[];
  /** The file in the cell folder that holds that command line, when the platform writes one. */
  commandFile?: string;
  /** The file in the cell folder that holds the platform's own output (qemu's stderr, a log). */
  logFile?: string;
  /** The runner host it runs on (user@host:port) when that is not this host. */
  runner?: string;
  /** Settles when the guest is gone. */
  exited: Promise<MachineExit>;
  /** Writes to the serial console's input. */
  sendToConsole(text: string): void;
  /** Stops the guest (and anything it started) and waits until it is gone. */
  stop(): Promise<void>;
}

/** A platform's section of harness.yml: its key, its JSON schema, and the reading of its value. */
export interface ConfigSection {
  key: string;
  schema: object;
  /** The section's value, checked past the schema (paths resolved); errors placed with `locate`. */
  read?(
    value: unknown,
    file: { dir: string; locate(path: readonly (string | number)[]): SourceLocation },
  ): unknown;
}

/** What `harness run` gives a platform it is about to use. */
export interface ConfigureRequest {
  /** The run's flags, the platform's own among them. */
  args: ParsedArgs;
  /** Its harness.yml section as `read` returned it, when the file has one. */
  section: unknown;
  /** The harness.yml read, when there is one. */
  configFile?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stderr: Writable;
  runId: string;
  /** Cells at once, and whether --parallel said so (a platform may raise the default). */
  parallel: { value: number; given: boolean };
}

/** A platform made for one run, with what it changes about the run. */
export interface Configured {
  platform: Platform;
  parallel?: number;
  /** Flags the reproduce line of each cell needs to run it the same way. */
  reproduceArgs?: readonly string[];
}

/** A platform's own settings: flags of `harness run`, a harness.yml section, what they make. */
export interface PlatformSettings {
  flags: readonly FlagSpec[];
  section?: ConfigSection;
  /** Makes the platform for one run that uses it. */
  configure(request: ConfigureRequest): Promise<Configured>;
}

/** Reads a platform's section of harness.yml (as its `read` returned it) for its own commands. */
export type SectionReader = (cwd: string, file?: string) => Promise<unknown>;

/** A place cells run: a hypervisor, a cloud, a remote runner. */
export interface Platform {
  readonly name: string;
  readonly summary: string;
  readonly arches: readonly Arch[];
  readonly formats: readonly ImageFormat[];
  /** Checks, for real, whether the platform works on this host. */
  probe(options: ProbeOptions): Promise<ProbeResult>;
  /** Boots an image; the returned machine is running (its console may still be silent). */
  boot(request: BootRequest): Promise<BootedMachine>;
  /** Releases what the platform holds for a run (uploaded images, connections); called once at its end. */
  close?(): Promise<void>;
  /** Why the guest's console takes no input here, on a platform where it takes none. */
  readonly noConsoleInput?: string;
  /** Its flags, harness.yml section and per-run set-up, when it has any. */
  readonly settings?: PlatformSettings;
  /** Subcommands of its own (e.g. `harness gcp gc`). */
  commands?(readSection: SectionReader): readonly Command[];
}
