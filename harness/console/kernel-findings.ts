// Kernel reports read off the console line by line: each report becomes one finding with its class,
// title line, time and the report's own lines (see kernel-reports.ts for what counts as a report).
import {
  BANNERED,
  BANNER_LINE,
  CLASS_EFFECTS,
  DIE_HEADER,
  END_MARKER,
  reportKindOf,
  splitStamp,
  type KernelReportClass,
  type KernelReportEffect,
} from "./kernel-reports.ts";

/** At most this many lines of one report are kept. */
export const MAX_REPORT_LINES = 100;
/** A report's lines come in one burst; a pause this long in the kernel's clock means it is over. */
const REPORT_PAUSE_S = 2;
/** The "cut here" line or "=====" banner printed just before a title belongs to the report. */
const LEAD_IN = /------------\[ cut here \]------------|^={20,}$/;

/** One kernel report seen on the console. */
export interface KernelFinding {
  class: KernelReportClass;
  effect: KernelReportEffect;
  /** The title line, without the printk timestamp. */
  line: string;
  /** Milliseconds from the start of the console (console.log's offsets) to the title line. */
  atMs: number;
  /** The kernel's own timestamp of the title line, in seconds, when printk prints one. */
  kernelTimeS?: number;
  /** The report's console lines: from its first line to its end marker, or a bounded number. */
  excerpt: string[];
}

/** Reads console lines and collects kernel findings; `onFinding` hears of each as its title arrives. */
export class KernelFindingsReader {
  readonly #findings: KernelFinding[] = [];
  readonly #onFinding: (finding: KernelFinding) => void;
  /** True once any line carried a printk stamp: from then on, unstamped lines are not the kernel's. */
  #stamped = false;
  #open: { finding: KernelFinding; lastTimeS?: number } | undefined;
  #previous: string | undefined;

  constructor(onFinding: (finding: KernelFinding) => void = () => undefined) {
    this.#onFinding = onFinding;
  }

  /** Every finding so far, in console order. */
  get findings(): readonly KernelFinding[] {
    return this.#findings;
  }

  /** Reads one complete console line that arrived `atMs` after the console started. */
  read(line: string, atMs: number): void {
    const { kernelTimeS, message } = splitStamp(line);
    if (kernelTimeS !== undefined) this.#stamped = true;
    const fromKernel = kernelTimeS !== undefined || !this.#stamped;
    if (!fromKernel) return;
    const open = this.#open;
    if (open && this.#paused(open.lastTimeS, kernelTimeS)) this.#open = undefined;
    const kind = reportKindOf(message);
    if (kind && !(this.#open && this.#continues(this.#open.finding.class, message))) {
      this.#start(line, message, kind, atMs, kernelTimeS);
    } else if (this.#open) {
      this.#extend(line, message, kernelTimeS);
    }
    this.#previous = line;
  }

  /** Ends the report still open (the console closed). */
  finish(): void {
    this.#open = undefined;
  }

  // A BUG or a bad access is followed by its die() header ("[#1]"): the same report goes on.
  #continues(open: KernelReportClass, message: string): boolean {
    return (open === "bug" || open === "oops") && DIE_HEADER.test(message);
  }

  #paused(lastTimeS: number | undefined, timeS: number | undefined): boolean {
    return lastTimeS !== undefined && timeS !== undefined && timeS - lastTimeS > REPORT_PAUSE_S;
  }

  #start(
    line: string,
    message: string,
    kind: KernelReportClass,
    atMs: number,
    kernelTimeS: number | undefined,
  ): void {
    const leadIn = this.#previous !== undefined && LEAD_IN.test(splitStamp(this.#previous).message);
    const finding: KernelFinding = {
      class: kind,
      effect: CLASS_EFFECTS[kind],
      line: message,
      atMs: Math.round(atMs),
      ...(kernelTimeS !== undefined ? { kernelTimeS } : {}),
      excerpt: [...(leadIn ? [this.#previous as string] : []), line],
    };
    this.#findings.push(finding);
    this.#open = { finding, ...(kernelTimeS !== undefined ? { lastTimeS: kernelTimeS } : {}) };
    this.#onFinding(finding);
  }

  #extend(line: string, message: string, kernelTimeS: number | undefined): void {
    const open = this.#open;
    if (!open) return;
    open.finding.excerpt.push(line);
    if (kernelTimeS !== undefined) open.lastTimeS = kernelTimeS;
    const closed =
      END_MARKER.test(message) || (BANNERED.has(open.finding.class) && BANNER_LINE.test(message));
    if (closed || open.finding.excerpt.length >= MAX_REPORT_LINES) this.#open = undefined;
  }
}
