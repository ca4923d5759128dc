// What a console line says about the boot: which stage it reached, or that the kernel died.

/** Boot stages in order. */
export type BootStage = "firmware" | "kernel" | "init" | "test" | "poweroff";

/** The first line of each stage, as Linux and the harness init print it. */
export const STAGE_PATTERNS: readonly { stage: BootStage; pattern: RegExp }[] = [
  { stage: "kernel", pattern: /Linux version \d|Booting Linux on|^\[\s*0\.0{6}\]/ },
  { stage: "init", pattern: /Run \/init as init process|harness-init: / },
  { stage: "test", pattern: /harness-init: booted / },
  {
    stage: "poweroff",
    pattern: /reboot: Power down|reboot: System halted|harness-init: powering off/,
  },
];

/** Lines that mean the kernel is dead or wedged: the cell ends at once as error. */
export const FATAL_PATTERNS: readonly { what: string; pattern: RegExp }[] = [
  { what: "kernel panic", pattern: /Kernel panic - not syncing|---\[ end Kernel panic/ },
  {
    what: "oops",
    pattern: /\bOops: |BUG: unable to handle|Unable to handle kernel|general protection fault/,
  },
  { what: "soft lockup", pattern: /BUG: soft lockup|watchdog: BUG: soft lockup/ },
  {
    what: "RCU stall",
    pattern: /rcu: INFO: rcu_\w+ (self-)?detected stall|rcu_sched self-detected stall/,
  },
  { what: "init died", pattern: /Attempted to kill init/ },
];

/** The harness init's report of a container's exit status. */
export const CONTAINER_EXIT = /harness-init: (onboot|onshutdown) (\S+) exited (\d+)/;

/** The banner the harness init prints once the guest is up. */
export const BANNER = /harness-init: booted /;

/** The stage a line starts, if any. */
export function stageOf(line: string): BootStage | undefined {
  // Later stages first: the banner also looks like any other init line.
  return [...STAGE_PATTERNS].reverse().find((s) => s.pattern.test(line))?.stage;
}

/** What a fatal line means, if it is one. */
export function fatalOf(line: string): string | undefined {
  return FATAL_PATTERNS.find((f) => f.pattern.test(line))?.what;
}
