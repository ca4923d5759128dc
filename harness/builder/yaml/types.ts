// The LinuxKit image YAML as loaded: field names exactly as written, plus where each entry came from.
import type { SourceLocation } from "../../errors.ts";

/** A numeric uid/gid, or the name of a container whose allocated id is meant. */
export type IdRef = number | string;

/** Where an entry (container, file, volume, init image) was declared, for later error messages. */
export interface Declared {
  at: SourceLocation;
}

/** The fields of `kernel:`; each may come from a different file when files are composed. */
export interface KernelFields {
  image?: string;
  cmdline?: string;
  binary?: string;
  /** "" or "none" means no modules tarball. */
  tar?: string;
  ucode?: string;
}

/** The composed `kernel:` section, with the location that set each field. */
export interface KernelSpec extends KernelFields {
  at: Partial<Record<keyof KernelFields, SourceLocation>>;
}

/** One `init:` image. */
export interface InitImage extends Declared {
  image: string;
}

/** One `volumes:` entry. */
export interface VolumeSpec extends Declared {
  name: string;
  image?: string;
  readonly?: boolean;
  format?: "oci" | "filesystem";
  platforms?: string[];
}

/** One `files:` entry; exactly one of contents, source, directory, symlink or metadata is set. */
export interface FileSpec extends Declared {
  path: string;
  directory?: boolean;
  symlink?: string;
  contents?: string;
  /** Read at build time; LinuxKit resolves it against the working directory, `~/` against $HOME. */
  source?: string;
  metadata?: "yaml" | "json";
  optional?: boolean;
  /** Octal permission bits as written, e.g. "0644". */
  mode?: string;
  uid?: IdRef;
  gid?: IdRef;
}

/** A mount in OCI form (`mounts:` and `runtime.mounts:`). */
export interface MountSpec {
  destination?: string;
  type?: string;
  source?: string;
  options?: string[];
  uidmappings?: IdMapping[];
  gidmappings?: IdMapping[];
}

/** A user-namespace id range. */
export interface IdMapping {
  hostID?: number;
  containerID?: number;
  size?: number;
}

/** A device node made in the container; `path: all` allows a whole device type instead. */
export interface DeviceSpec {
  path?: string;
  type?: string;
  major?: number;
  minor?: number;
  mode?: string;
}

/** OCI cgroup resources, with the keys LinuxKit's schema accepts. */
export interface ResourcesSpec {
  devices?: { allow?: boolean; type?: string; major?: number; minor?: number; access?: string }[];
  memory?: Partial<
    Record<"limit" | "reservation" | "swap" | "kernel" | "kernelTCP" | "swappiness", number>
  > & { disableOOMKiller?: boolean };
  cpu?: Partial<
    Record<"shares" | "quota" | "period" | "realtimeRuntime" | "realtimePeriod", number>
  > & { cpus?: string; mems?: string };
  pids?: { limit?: number };
  blockio?: BlockIoSpec;
  hugepageLimits?: { pageSize?: number; limit?: number }[];
  network?: { classID?: number; priorities?: { name?: string; priority?: number }[] };
}

/** Block-I/O weights and throttles. */
export interface BlockIoSpec {
  weight?: number;
  leafWeight?: number;
  weightDevice?: { major?: number; minor?: number; weight?: number; leafWeight?: number }[];
  throttleReadBpsDevice?: ThrottleDevice[];
  throttleWriteBpsDevice?: ThrottleDevice[];
  throttleReadIOPSDevice?: ThrottleDevice[];
  throttleWriteIOPSDevice?: ThrottleDevice[];
}

/** One throttled device. */
export interface ThrottleDevice {
  major?: number;
  minor?: number;
  rate?: number;
}

/** What happens in the root namespace around a container's start (`runtime:`). */
export interface RuntimeSpec {
  cgroups?: string[];
  mounts?: MountSpec[];
  mkdir?: string[];
  interfaces?: { name?: string; add?: string; peer?: string; createInRoot?: boolean }[];
  bindNS?: Partial<Record<"cgroup" | "ipc" | "mnt" | "net" | "pid" | "user" | "uts", string>>;
  namespace?: string;
}

/** The sections that hold containers. */
export type ContainerSection = "onboot" | "onshutdown" | "services";

/** The options of one container as written; unset fields fall back to the image's label. */
export interface ContainerOptions {
  capabilities?: string[];
  "capabilities.add"?: string[];
  ambient?: string[];
  mounts?: MountSpec[];
  binds?: string[];
  "binds.add"?: string[];
  devices?: DeviceSpec[];
  tmpfs?: string[];
  command?: string[];
  env?: string[];
  cwd?: string;
  net?: string;
  pid?: string;
  ipc?: string;
  uts?: string;
  userns?: string;
  hostname?: string;
  readonly?: boolean;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  uid?: IdRef;
  gid?: IdRef;
  additionalGids?: IdRef[];
  noNewPrivileges?: boolean;
  oomScoreAdj?: number;
  rootfsPropagation?: string;
  cgroupsPath?: string;
  resources?: ResourcesSpec;
  sysctl?: Record<string, string>;
  rlimits?: string[];
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
  annotations?: Record<string, string>;
  runtime?: RuntimeSpec;
}

/** One entry of `onboot:`, `onshutdown:` or `services:`. */
export interface ContainerSpec extends ContainerOptions, Declared {
  name: string;
  image: string;
  section: ContainerSection;
}

/** A whole image: one or more YAML files composed the way `linuxkit build a.yml b.yml` does. */
export interface ImageConfig {
  /** The YAML files composed, in order. */
  sources: readonly string[];
  kernel: KernelSpec;
  init: InitImage[];
  volumes: VolumeSpec[];
  onboot: ContainerSpec[];
  onshutdown: ContainerSpec[];
  services: ContainerSpec[];
  files: FileSpec[];
}
