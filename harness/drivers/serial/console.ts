// The serial console as the harness sees it: every byte kept in console.log with time offsets,
// boot stages tracked, kernel reports collected, panics, lockups and silence turned into prompt
// failures, waits with deadlines.
import type { Readable, Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { HarnessError } from "../../errors.ts";
import { stageOf, type BootStage } from "../../console/patterns.ts";
import { KernelFindingsReader, type KernelFinding } from "../../console/kernel-findings.ts";
import { CLASS_TITLES } from "../../console/kernel-reports.ts";

const STAGE_ORDER: readonly BootStage[] = ["firmware", "kernel", "init", "test", "poweroff"];
/** After a fatal line, this long is spent collecting the backtrace before the verdict. */
const FATAL_GRACE_MS = 300;
const TAIL_LINES = 60;

/** Why the console says the guest failed. */
export class ConsoleFailure extends HarnessError {
  readonly stage: BootStage;
  constructor(message: string, stage: BootStage, tail: string) {
    super("EBOOT", `${message} during the ${stage} stage`, {
      hint: `console tail:\n${indent(tail)}`,
    });
    this.stage = stage;
  }
}

/** Watches one console stream. */
export class ConsoleWatcher {
  stage: BootStage = "firmware";
  /** Milliseconds from start at which each stage began, the first result line arrived, the guest died. */
  readonly stageTimesMs: Partial<Record<BootStage | "result" | "fatal" | "verdict", number>> = {
    firmware: 0,
  };
  readonly #startMs = performance.now();
  readonly #log: Writable;
  readonly #lines: string[] = [];
  #partial = "";
  #lastActivityMs = performance.now();
  #waiters = new Set<(line: string) => void>();
  #failure: Promise<ConsoleFailure>;
  #fail: (failure: ConsoleFailure) => void = () => undefined;
  #failed = false;
  #silenceTimer: NodeJS.Timeout | undefined;
  #listeners: ((line: string) => void)[] = [];
  readonly #reports = new KernelFindingsReader((finding) => this.#onFinding(finding));

  constructor(stream: Readable, log: Writable, silenceMs: number) {
    this.#log = log;
    this.#failure = new Promise((resolve) => (this.#fail = resolve));
    // Decoded across reads, so a character split between two batches stays whole.
    const decoder = new StringDecoder("utf8");
    stream.on("data", (chunk: Buffer | string) =>
      this.#receive(typeof chunk === "string" ? chunk : decoder.write(chunk)),
    );
    this.#silenceTimer = setInterval(
      () => this.#checkSilence(silenceMs),
      Math.min(1000, silenceMs),
    );
  }

  /** Settles when the console shows a panic, a lockup, a stall, a hung task, or stays silent too long. */
  get failure(): Promise<ConsoleFailure> {
    return this.#failure;
  }

  /** True once a fatal line was seen; the failure follows within a few hundred ms. */
  get fatalSeen(): boolean {
    return this.#failed;
  }

  /** The kernel reports seen so far (WARNING, BUG, oops, KASAN, …), in console order. */
  get kernelFindings(): readonly KernelFinding[] {
    return this.#reports.findings;
  }

  /** The last lines of the console. */
  tail(lines = TAIL_LINES): string {
    return [...this.#lines.slice(-lines), ...(this.#partial ? [this.#partial] : [])].join("\n");
  }

  /** Calls `listener` with every complete console line from now on. */
  onLine(listener: (line: string) => void): void {
    this.#listeners.push(listener);
  }

  /** Counts other signs of life (such as results arriving) against the silence deadline. */
  touch(): void {
    this.#lastActivityMs = performance.now();
  }

  /** Notes that a complete result line arrived (on whichever channel); only the first one counts. */
  markResult(): void {
    this.stageTimesMs.result ??= Math.round(performance.now() - this.#startMs);
  }

  /** Resolves with the first line matching `pattern`; rejects on deadline, abort or console failure. */
  waitFor(
    pattern: RegExp,
    options: { timeoutMs: number; signal: AbortSignal; what: string; onlyNew?: boolean },
  ): Promise<string> {
    const seen = options.onlyNew ? undefined : this.#lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        options.signal.removeEventListener("abort", onAbort);
      };
      const waiter = (line: string) => {
        if (!pattern.test(line)) return;
        done();
        resolve(line);
      };
      const onAbort = () => {
        done();
        const reason: unknown = options.signal.reason;
        reject(reason instanceof Error ? reason : new Error(String(reason)));
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new ConsoleFailure(
            `no ${options.what} within ${Math.round(options.timeoutMs / 1000)}s`,
            this.stage,
            this.tail(),
          ),
        );
      }, options.timeoutMs);
      this.#waiters.add(waiter);
      options.signal.addEventListener("abort", onAbort, { once: true });
      void this.#failure.then((failure) => {
        if (!this.#waiters.has(waiter)) return;
        done();
        reject(failure);
      });
    });
  }

  /** Stops the silence timer and reads the unfinished last line; the watcher keeps recording what still arrives. */
  close(): void {
    clearInterval(this.#silenceTimer);
    if (this.#partial) {
      this.#log.write(`${this.#stamp()} ${this.#partial}\n`);
      this.#reports.read(this.#partial, this.#elapsedMs());
    }
    this.#partial = "";
    this.#reports.finish();
  }

  #receive(text: string): void {
    this.#lastActivityMs = performance.now();
    const pieces = (this.#partial + text.replace(/\r/g, "")).split("\n");
    this.#partial = pieces.pop() ?? "";
    for (const line of pieces) this.#line(line);
  }

  #line(line: string): void {
    this.#log.write(`${this.#stamp()} ${line}\n`);
    this.#lines.push(line);
    if (this.#lines.length > 4 * TAIL_LINES)
      this.#lines.splice(0, this.#lines.length - 2 * TAIL_LINES);
    const stage = stageOf(line);
    if (stage && STAGE_ORDER.indexOf(stage) > STAGE_ORDER.indexOf(this.stage)) {
      this.stage = stage;
      this.stageTimesMs[stage] = Math.round(performance.now() - this.#startMs);
    }
    this.#reports.read(line, this.#elapsedMs());
    for (const waiter of [...this.#waiters]) waiter(line);
    for (const listener of this.#listeners) listener(line);
  }

  // A panic or a wedged kernel ends the cell; other reports are judged when the attempt ends.
  #onFinding(finding: KernelFinding): void {
    if (finding.effect !== "error" || this.#failed) return;
    this.#failed = true;
    this.stageTimesMs.fatal = Math.round(this.#elapsedMs());
    setTimeout(() => {
      this.stageTimesMs.verdict = Math.round(this.#elapsedMs());
      const what = CLASS_TITLES[finding.class];
      this.#fail(new ConsoleFailure(`${what}: ${finding.line}`, this.stage, this.tail()));
    }, FATAL_GRACE_MS);
  }

  #elapsedMs(): number {
    return performance.now() - this.#startMs;
  }

  /** Milliseconds since the watcher started: the clock of console.log's "[+ s]" offsets. */
  elapsedMs(): number {
    return this.#elapsedMs();
  }

  #checkSilence(silenceMs: number): void {
    if (this.#failed || performance.now() - this.#lastActivityMs < silenceMs) return;
    this.#failed = true;
    this.#fail(
      new ConsoleFailure(
        `console silent for ${Math.round(silenceMs / 1000)}s`,
        this.stage,
        this.tail(),
      ),
    );
  }

  #stamp(): string {
    return `[+${((performance.now() - this.#startMs) / 1000).toFixed(3).padStart(8)}]`;
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
