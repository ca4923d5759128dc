// OCI runtime config.json for one container, from its LinuxKit YAML entry and its image's config.
import type { ContainerOptions, ContainerSpec, MountSpec } from "../yaml/types.ts";
import type { ImageConfigBlob } from "../oci/store.ts";
import { HarnessError } from "../../errors.ts";
import { DEFAULT_CAPABILITIES, ALL_CAPABILITIES, expandCapabilities } from "./capabilities.ts";

type Json = Record<string, unknown>;

/** The part of an image config a container start uses. */
interface ContainerImageConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  Labels?: Record<string, string>;
}

const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const BASE_MOUNTS: MountSpec[] = [
  {
    destination: "/proc",
    type: "proc",
    source: "proc",
    options: ["nosuid", "nodev", "noexec", "relatime"],
  },
  {
    destination: "/dev",
    type: "tmpfs",
    source: "tmpfs",
    options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
  },
  {
    destination: "/dev/pts",
    type: "devpts",
    source: "devpts",
    options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"],
  },
  {
    destination: "/dev/shm",
    type: "tmpfs",
    source: "shm",
    options: ["nosuid", "noexec", "nodev", "mode=1777"],
  },
  {
    destination: "/dev/mqueue",
    type: "mqueue",
    source: "mqueue",
    options: ["nosuid", "noexec", "nodev"],
  },
  {
    destination: "/sys",
    type: "sysfs",
    source: "sysfs",
    options: ["nosuid", "noexec", "nodev", "ro"],
  },
  {
    destination: "/sys/fs/cgroup",
    type: "cgroup2",
    source: "cgroup",
    options: ["nosuid", "noexec", "nodev", "relatime", "ro"],
  },
  // The results channel the init opened; every container may write TAP to it.
  {
    destination: "/dev/harness-results",
    type: "bind",
    source: "/run/harness/results",
    options: ["rbind", "rw"],
  },
];

const MASKED = [
  "/proc/acpi",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
];
const READONLY = [
  "/proc/asound",
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sys",
  "/proc/sysrq-trigger",
];

/** LinuxKit images may carry their default options as JSON in this label. */
export const IMAGE_OPTIONS_LABEL = "org.mobyproject.config";

/** The runtime spec for `container` running `image`; options the YAML leaves unset come from the image label. */
export function runtimeSpec(container: ContainerSpec, image: ImageConfigBlob): Json {
  const options = withImageDefaults(container, image);
  const caps = capabilitySet(container, options);
  const imageConfig = (image.config ?? {}) as ContainerImageConfig;
  const args = options.command ?? [...(imageConfig.Entrypoint ?? []), ...(imageConfig.Cmd ?? [])];
  if (args.length === 0) {
    throw new HarnessError(
      "ECONTAINER",
      `container ${container.name}: no command and its image ${container.image} has no entrypoint or cmd`,
      {
        exitCode: 2,
        at: container.at,
        hint: "add command: [...] to the container",
      },
    );
  }
  const privileged = caps.length === ALL_CAPABILITIES.length;
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: {
        uid: numericId(options.uid, container, "uid"),
        gid: numericId(options.gid, container, "gid"),
        ...(options.additionalGids
          ? {
              additionalGids: options.additionalGids.map((g) =>
                numericId(g, container, "additionalGids"),
              ),
            }
          : {}),
      },
      args,
      env: mergeEnv(imageConfig.Env ?? [DEFAULT_PATH], options.env ?? []),
      cwd: options.cwd ?? (imageConfig.WorkingDir || "/"),
      capabilities: {
        bounding: caps,
        effective: caps,
        permitted: caps,
        ...(options.ambient ? { ambient: expandCapabilities(options.ambient).capabilities } : {}),
      },
      noNewPrivileges: options.noNewPrivileges ?? false,
      ...(options.oomScoreAdj === undefined ? {} : { oomScoreAdj: options.oomScoreAdj }),
      ...(options.rlimits ? { rlimits: options.rlimits.map(parseRlimit) } : {}),
    },
    root: { path: "rootfs", readonly: options.readonly ?? false },
    hostname: options.hostname ?? container.name,
    mounts: [
      ...BASE_MOUNTS,
      ...tmpfsMounts(options.tmpfs ?? []),
      ...bindMounts(options, container),
      ...(options.mounts ?? []),
    ],
    linux: {
      namespaces: namespaces(options),
      cgroupsPath: options.cgroupsPath ?? `/harness/${container.section}/${container.name}`,
      ...(options.sysctl ? { sysctl: options.sysctl } : {}),
      ...(options.rootfsPropagation ? { rootfsPropagation: options.rootfsPropagation } : {}),
      maskedPaths: options.maskedPaths ?? (privileged ? [] : MASKED),
      readonlyPaths: options.readonlyPaths ?? (privileged ? [] : READONLY),
      ...(options.uidMappings ? { uidMappings: options.uidMappings } : {}),
      ...(options.gidMappings ? { gidMappings: options.gidMappings } : {}),
      ...devices(options),
    },
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
}

function withImageDefaults(container: ContainerSpec, image: ImageConfigBlob): ContainerOptions {
  const label = (image.config as ContainerImageConfig | undefined)?.Labels?.[IMAGE_OPTIONS_LABEL];
  const defaults = label ? (JSON.parse(label) as ContainerOptions) : {};
  const merged: ContainerOptions = { ...defaults };
  for (const [key, value] of Object.entries(container)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  merged.binds = [...(container.binds ?? defaults.binds ?? []), ...(container["binds.add"] ?? [])];
  return merged;
}

function capabilitySet(container: ContainerSpec, options: ContainerOptions): string[] {
  const names = [
    ...(options.capabilities ?? DEFAULT_CAPABILITIES),
    ...(container["capabilities.add"] ?? []),
  ];
  const { capabilities, unknown } = expandCapabilities(names);
  if (unknown.length > 0) {
    throw new HarnessError(
      "ECONTAINER",
      `container ${container.name}: unknown capabilities ${unknown.join(", ")}`,
      {
        exitCode: 2,
        at: container.at,
        hint: "use names like CAP_NET_ADMIN, or all",
      },
    );
  }
  return capabilities.sort();
}

function namespaces(options: ContainerOptions): Json[] {
  const list: Json[] = [{ type: "mount" }];
  const kinds: [keyof ContainerOptions, string][] = [
    ["pid", "pid"],
    ["net", "network"],
    ["ipc", "ipc"],
    ["uts", "uts"],
    ["userns", "user"],
  ];
  for (const [key, type] of kinds) {
    const value = options[key] as string | undefined;
    if (value === "host" || (key === "userns" && value === undefined)) continue;
    list.push(value && value !== "new" ? { type, path: value } : { type });
  }
  return list;
}

function bindMounts(options: ContainerOptions, container: ContainerSpec): MountSpec[] {
  return (options.binds ?? []).map((bind) => {
    const [source, destination, flags] = bind.split(":");
    if (!source || !destination) {
      throw new HarnessError(
        "ECONTAINER",
        `container ${container.name}: bind ${JSON.stringify(bind)} is not SOURCE:DEST[:OPTIONS]`,
        { exitCode: 2, at: container.at },
      );
    }
    const extra = flags ? flags.split(",") : [];
    return {
      destination,
      type: "bind",
      source,
      options: ["rbind", ...(extra.includes("ro") ? [] : ["rw"]), ...extra],
    };
  });
}

function tmpfsMounts(specs: readonly string[]): MountSpec[] {
  return specs.map((spec) => {
    const [destination = "", flags] = spec.split(":");
    return {
      destination,
      type: "tmpfs",
      source: "tmpfs",
      options: flags ? flags.split(",") : ["nosuid", "nodev"],
    };
  });
}

function devices(options: ContainerOptions): Json {
  const allow = (options.devices ?? []).map((d) => ({
    allow: true,
    type: d.type ?? "a",
    ...(d.path === "all" ? {} : { major: d.major, minor: d.minor }),
    access: "rwm",
  }));
  const nodes = (options.devices ?? [])
    .filter((d) => d.path && d.path !== "all")
    .map((d) => ({
      path: d.path,
      type: d.type,
      major: d.major,
      minor: d.minor,
      ...(d.mode ? { fileMode: parseInt(d.mode, 8) } : {}),
    }));
  const resources: Json = { ...(options.resources as Json | undefined) };
  if (allow.length > 0) resources.devices = [{ allow: false, access: "rwm" }, ...allow];
  return {
    ...(nodes.length > 0 ? { devices: nodes } : {}),
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
  };
}

function mergeEnv(base: readonly string[], extra: readonly string[]): string[] {
  const env = new Map(base.map((e) => [e.split("=")[0] ?? e, e]));
  for (const e of extra) env.set(e.split("=")[0] ?? e, e);
  return [...env.values()];
}

function numericId(
  value: number | string | undefined,
  container: ContainerSpec,
  field: string,
): number {
  if (value === undefined) return 0;
  if (typeof value === "number") return value;
  if (/^\d+$/.test(value)) return Number(value);
  throw new HarnessError(
    "ECONTAINER",
    `container ${container.name}: ${field} ${JSON.stringify(value)} names another container's id, which this builder does not allocate`,
    {
      exitCode: 2,
      at: container.at,
      hint: "use a number",
    },
  );
}

function parseRlimit(text: string): Json {
  const [type = "", soft = "0", hard = soft] = text.split(",").map((s) => s.trim());
  const name = type.toUpperCase().startsWith("RLIMIT_")
    ? type.toUpperCase()
    : `RLIMIT_${type.toUpperCase()}`;
  // JSON numbers cannot carry RLIM_INFINITY (2^64-1) exactly; the largest safe integer is as good as unlimited.
  const value = (v: string) =>
    v === "unlimited" || v === "infinity" ? Number.MAX_SAFE_INTEGER : Number(v);
  return { type: name, soft: value(soft), hard: value(hard) };
}
