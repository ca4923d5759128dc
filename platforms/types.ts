// The one interface every platform implements; SDK types never leave a platform's folder.
import type { Arch } from "../harness/cases/types.ts";

/** Image formats the builder can write. */
export type ImageFormat = "kernel+initrd" | "raw-bios" | "raw-efi" | "iso-efi" | "gcp";

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

/** A place cells run: a hypervisor, a cloud, a remote runner. */
export interface Platform {
  readonly name: string;
  readonly summary: string;
  readonly arches: readonly Arch[];
  readonly formats: readonly ImageFormat[];
  /** Checks, for real, whether the platform works on this host. */
  probe(options: { signal?: AbortSignal }): Promise<ProbeResult>;
}
