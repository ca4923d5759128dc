// Names LinuxKit accepts for capabilities, rlimits, namespaces and mount propagation.

/** Capabilities LinuxKit knows (moby/sys/capability's list), spelled as the YAML must spell them. */
export const CAPABILITIES: readonly string[] = [
  "chown",
  "dac_override",
  "dac_read_search",
  "fowner",
  "fsetid",
  "kill",
  "setgid",
  "setuid",
  "setpcap",
  "linux_immutable",
  "net_bind_service",
  "net_broadcast",
  "net_admin",
  "net_raw",
  "ipc_lock",
  "ipc_owner",
  "sys_module",
  "sys_rawio",
  "sys_chroot",
  "sys_ptrace",
  "sys_pacct",
  "sys_admin",
  "sys_boot",
  "sys_nice",
  "sys_resource",
  "sys_time",
  "sys_tty_config",
  "mknod",
  "lease",
  "audit_write",
  "audit_control",
  "setfcap",
  "mac_override",
  "mac_admin",
  "syslog",
  "wake_alarm",
  "block_suspend",
  "audit_read",
  "perfmon",
  "bpf",
  "checkpoint_restore",
].map((name) => `CAP_${name.toUpperCase()}`);

/** Resource limits `rlimits:` may name (with or without the RLIMIT_ prefix, any case). */
export const RLIMITS: readonly string[] = [
  "CPU",
  "FSIZE",
  "DATA",
  "STACK",
  "CORE",
  "RSS",
  "NPROC",
  "NOFILE",
  "MEMLOCK",
  "AS",
  "LOCKS",
  "SIGPENDING",
  "MSGQUEUE",
  "NICE",
  "RTPRIO",
  "RTTIME",
].map((name) => `RLIMIT_${name}`);

/** Namespace words per field; anything else must be a path to bind a namespace from. */
export const NAMESPACE_WORDS = {
  net: ["host", "root", "new", "none"],
  pid: ["host", "root", "new"],
  ipc: ["host", "root", "new"],
  uts: ["host", "root", "new"],
  userns: ["host", "root", "new"],
} as const;

/** Root filesystem propagation modes runc accepts. */
export const PROPAGATIONS: readonly string[] = [
  "private",
  "rprivate",
  "slave",
  "rslave",
  "shared",
  "rshared",
  "unbindable",
  "runbindable",
];

/** Mount types LinuxKit can infer from the source, and their default mount points. */
export const DEFAULT_MOUNTPOINTS: Readonly<Record<string, string>> = {
  proc: "/proc",
  devpts: "/dev/pts",
  sysfs: "/sys",
  cgroup: "/sys/fs/cgroup",
  mqueue: "/dev/mqueue",
};
