// Which console lines are the kernel reporting trouble: the title line of each report class as
// printk prints it on x86_64 and arm64, what each class does to the cell, and where a report ends.
//
// What makes a line a kernel report (the rule): the kernel writes every message at the start of a
// console line, behind its printk timestamp ("[   12.345678] ", CONFIG_PRINTK_TIME, on in Debian's
// kernels) and, with CONFIG_PRINTK_CALLER, a caller id ("[    T1] "). So a line is read as a kernel
// message when it carries that stamp (found anywhere in the line, since a process's unfinished
// output can precede the kernel's line on the same console line), or, while the console has shown
// no stamp at all (printk.time=0), when the whole line is the message. A report is a message that
// *starts* with one of the titles below, in the kernel's own format ("WARNING: CPU: 0 PID: 1 at",
// not just "WARNING:"). A test printing "WARNING: low disk" or "... kernel BUG at ..." on the
// console (no stamp once the kernel has shown stamps, no kernel format) is never a report.

/** The kinds of kernel report the console is scanned for. */
export type KernelReportClass =
  | "panic"
  | "bug"
  | "oops"
  | "warning"
  | "kasan"
  | "ubsan"
  | "kfence"
  | "lockdep"
  | "atomic-sleep"
  | "hung-task"
  | "rcu-stall"
  | "soft-lockup"
  | "hard-lockup";

/**
 * What a report does to the cell. "error": the kernel is dead or wedged, the cell ends at once as
 * error (a panic; a hung task, RCU stall or lockup, which also come from a starved host under TCG,
 * so a retry confirms them). "fail": the guest goes on, the cell fails even if its TAP passed.
 */
export type KernelReportEffect = "error" | "fail";

/** What each class does to the cell (see KernelReportEffect). */
export const CLASS_EFFECTS: Record<KernelReportClass, KernelReportEffect> = {
  panic: "error",
  "hung-task": "error",
  "rcu-stall": "error",
  "soft-lockup": "error",
  "hard-lockup": "error",
  bug: "fail",
  oops: "fail",
  warning: "fail",
  kasan: "fail",
  ubsan: "fail",
  kfence: "fail",
  lockdep: "fail",
  "atomic-sleep": "fail",
};

/** One report class and a title it opens with. */
interface ReportKind {
  kind: KernelReportClass;
  title: RegExp;
}

/** Lockdep's report titles (kernel/locking/lockdep.c, kernel/rcu/), each under a "=====" banner. */
const LOCKDEP_TITLES =
  /^(WARNING: (possible circular locking dependency detected|possible recursive locking detected|inconsistent lock state|possible irq lock inversion dependency detected|\S+-safe -> \S+-unsafe lock order detected|bad unlock balance detected!|bad contention detected!|held lock freed!|lock held when returning to user space!|[Nn]ested lock was not taken|\S+ still has locks held!|suspicious RCU usage|chain_key collision)|BUG: Invalid wait context)/;

/**
 * __warn()'s title (kernel/panic.c): "WARNING: CPU: 0 PID: 1 at file:line func" until Linux 6.18,
 * "WARNING: file:line at func, CPU#0: comm/pid" (or "WARNING: at func, CPU#0: comm/pid") from 6.19.
 */
const WARNING_TITLE = /^WARNING: (CPU: \d+ PID: \d+ at |(\S+:\d+ )?at \S+.*, CPU#\d+: .+\/\d+$)/;

/** The die() header of x86_64 ("invalid opcode: 0000 [#1] PREEMPT SMP NOPTI", "Oops: 0002 [#1]"). */
const X86_DIE = /^[^[\]]+: [0-9a-f]{4} \[#\d+\]/;

/** Report titles, most specific first: the first that matches names the class. */
export const REPORT_KINDS: readonly ReportKind[] = [
  { kind: "panic", title: /^Kernel panic - not syncing: / },
  { kind: "kasan", title: /^BUG: KASAN: / },
  { kind: "kfence", title: /^BUG: KFENCE: / },
  { kind: "ubsan", title: /^UBSAN: \S+ in / },
  {
    kind: "soft-lockup",
    title: /^(watchdog: )?BUG: soft lockup - CPU#\d+ stuck for \d+s!/,
  },
  {
    kind: "hard-lockup",
    title: /^((NMI )?watchdog: )?Watchdog detected hard LOCKUP on cpu \d+/,
  },
  {
    kind: "rcu-stall",
    title: /^(rcu: )?INFO: rcu_\w+ (self-detected stall|detected (expedited )?stalls?) on/,
  },
  { kind: "hung-task", title: /^INFO: task .+:\d+ blocked for more than \d+ seconds/ },
  {
    kind: "atomic-sleep",
    title: /^BUG: (scheduling while atomic: |sleeping function called from invalid context)/,
  },
  { kind: "lockdep", title: LOCKDEP_TITLES },
  { kind: "warning", title: WARNING_TITLE },
  { kind: "bug", title: /^kernel BUG at \S+:\d+!|^Internal error: Oops - BUG: / },
  {
    kind: "oops",
    title:
      /^BUG: (kernel NULL pointer dereference|unable to handle )|^Unable to handle kernel |^Internal error: .*: [0-9a-f]+ \[#\d+\]/,
  },
  { kind: "oops", title: X86_DIE },
  { kind: "bug", title: /^BUG: / },
];

/** The oops header that follows a BUG or a bad access in the same report ("[#1]"): not a new report. */
export const DIE_HEADER = /^Internal error: .*\[#\d+\]|^[^[\]]+: [0-9a-f]{4} \[#\d+\]/;

/** The line that ends a WARNING, BUG or oops, or a panic. */
export const END_MARKER = /---\[ end (trace [0-9a-f]*|Kernel panic)/;

/** The "=====" banner lockdep, KASAN, UBSAN and KFENCE print around a report. */
export const BANNER_LINE = /^={20,}$/;

/** Classes whose report closes with a second banner line. */
export const BANNERED: ReadonlySet<KernelReportClass> = new Set(["kasan", "ubsan", "kfence"]);

/** The printk timestamp and optional caller id in front of a kernel message. */
const STAMP = /\[\s*(\d+\.\d+)\](?:\[\s*[TC]\d+\])? ?/;
/** A /dev/kmsg record as read from the device: "level,sequence,microseconds,flags[,…];message". */
const KMSG_RECORD = /^\d+,\d+,(\d+),[^;]*;/;
/** printk's log level, which dmesg -r and some consoles print in front of an unstamped line. */
const LOG_LEVEL = /^<\d+>/;

/** A console line split into the kernel's timestamp (when it has one) and the message. */
export interface ConsoleMessage {
  /** The kernel's clock when printk ran, in seconds. */
  kernelTimeS?: number;
  message: string;
}

/** Splits the printk stamp off a console line; `undefined` time when the line has none. */
export function splitStamp(line: string): ConsoleMessage {
  const record = KMSG_RECORD.exec(line);
  if (record) {
    const message = line.slice(record[0].length).trimEnd();
    return { kernelTimeS: Number(record[1]) / 1e6, message };
  }
  const match = STAMP.exec(line);
  if (!match) return { message: line.replace(LOG_LEVEL, "").trimEnd() };
  return {
    kernelTimeS: Number(match[1]),
    message: line.slice(match.index + match[0].length).trimEnd(),
  };
}

/** The report class a kernel message opens, if it is a report's title. */
export function reportKindOf(message: string): KernelReportClass | undefined {
  return REPORT_KINDS.find((kind) => kind.title.test(message))?.kind;
}

/** The class a console line opens, for lines read on their own (report excerpts, console.log). */
export function reportClassOfLine(line: string): KernelReportClass | undefined {
  const { message } = splitStamp(line.replace(/^\[\+\s*[\d.]+\] /, ""));
  return reportKindOf(message);
}

/** What each class is called in reasons. */
export const CLASS_TITLES: Record<KernelReportClass, string> = {
  panic: "kernel panic",
  bug: "kernel BUG",
  oops: "kernel oops",
  warning: "kernel WARNING",
  kasan: "KASAN report",
  ubsan: "UBSAN report",
  kfence: "KFENCE report",
  lockdep: "lockdep report",
  "atomic-sleep": "sleep in atomic context",
  "hung-task": "hung task",
  "rcu-stall": "RCU stall",
  "soft-lockup": "soft lockup",
  "hard-lockup": "hard lockup",
};
