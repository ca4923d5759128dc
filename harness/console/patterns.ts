// What a console line says about the boot: which stage it reached, or that the kernel died.
import { CLASS_EFFECTS, CLASS_TITLES, reportClassOfLine } from "./kernel-reports.ts";

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

/** The harness init's report of a container's exit status. */
export const CONTAINER_EXIT = /harness-init: (onboot|onshutdown) (\S+) exited (\d+)/;

/** The banner the harness init prints once the guest is up. */
export const BANNER = /harness-init: booted /;

/** The stage a line starts, if any. */
export function stageOf(line: string): BootStage | undefined {
  // Later stages first: the banner also looks like any other init line.
  return [...STAGE_PATTERNS].reverse().find((s) => s.pattern.test(line))?.stage;
}

/** What a line means when it opens a kernel report that ends the cell at once (a panic, a lockup). */
export function fatalOf(line: string): string | undefined {
  const kind = reportClassOfLine(line);
  return kind && CLASS_EFFECTS[kind] === "error" ? CLASS_TITLES[kind] : undefined;
}
