// An interactive terminal: a few lines at the bottom are redrawn in place (the running cells with
// their stage and elapsed time, done / total, failures, the time left), and failures are printed
// above them as they happen. The refresh timer runs only while cells run and always ends.
import { PassThrough, type Writable } from "node:stream";
import type { CellRecord, RunRecord } from "../../results/run-record.ts";
import type { Status } from "../../results/status.ts";
import { formatDuration } from "../../util/duration.ts";
import { headerLine, printCell, totalsLine } from "../terminal.ts";
import type { ProgressRenderer, RunStart } from "./renderer.ts";
import { ProgressState, type RunningCell } from "./state.ts";
import { startTicker, type Ticker } from "./ticker.ts";

const REFRESH_MS = 250;
/** The refresh timer stops by itself after this long, whatever happens to the run. */
const DEADLINE_MS = 24 * 60 * 60_000;
const SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
const SHOWN: ReadonlySet<Status> = new Set(["fail", "error", "timeout", "flaky", "cancel"]);
const ESC = "\x1b[";
const FAILING_WORDS: readonly [Status, string][] = [
  ["fail", "failed"],
  ["timeout", "timed out"],
  ["error", "errors"],
];

/** Options of the terminal view. */
export interface TtyOptions {
  /** Terminal width; lines are cut to fit so redraws stay aligned. */
  columns?: number;
  color?: boolean;
  state?: ProgressState;
  /** Starts the refresh timer; tests pass one that records what it started. */
  startTicker?: typeof startTicker;
}

/** The redrawing terminal view. */
export function ttyRenderer(out: Writable, options: TtyOptions = {}): ProgressRenderer {
  const state = options.state ?? new ProgressState();
  const color = options.color ?? true;
  const paint = (code: string, text: string) => (color ? `${ESC}${code}m${text}${ESC}0m` : text);
  let drawn = 0;
  let frame = 0;
  let ticker: Ticker | undefined;
  let runDir: string | undefined;

  const width = () => Math.max(20, (options.columns || 80) - 1);
  const erase = () => (drawn > 0 ? `\r${ESC}${drawn}A${ESC}J` : "");
  function draw(above = ""): void {
    const lines = statusLines(state, frame++, width(), paint);
    out.write(`${erase()}${above}${lines.map((l) => `${l}\n`).join("")}`);
    drawn = lines.length;
  }
  function stopTicker(): void {
    ticker?.stop();
    ticker = undefined;
  }

  return {
    runStarted(run: RunStart) {
      state.run = run;
      runDir = run.runDir;
      out.write(`${headerLine(run)}\n`);
    },
    cellStarted(cell) {
      state.start(cell);
      if (!ticker)
        ticker = (options.startTicker ?? startTicker)(() => draw(), REFRESH_MS, DEADLINE_MS);
      draw();
    },
    cellStage(cell, stage) {
      state.stage(cell, stage);
    },
    cellFinished(record: CellRecord) {
      state.finish(record);
      let above = "";
      if (SHOWN.has(record.status)) {
        // printCell's transform is synchronous, so its whole output can be read back at once.
        const sink = new PassThrough();
        printCell(sink, record, runDir === undefined ? {} : { runDir });
        const text = String(sink.read() ?? "");
        above = text.replace(/^\S+/, (label) => paint(statusColour(record.status), label));
      }
      if (state.running.size === 0) stopTicker();
      draw(above);
    },
    runFinished(record: RunRecord, dir: string) {
      stopTicker();
      out.write(`${erase()}${totalsLine(record, dir)}\n`);
      drawn = 0;
    },
    close() {
      stopTicker();
    },
  };
}

function statusColour(status: Status): string {
  return status === "flaky" || status === "cancel" ? "33" : "31;1";
}

/** The redrawn block: one line per running cell, then the counts line. */
export function statusLines(
  state: ProgressState,
  frame: number,
  width: number,
  paint: (code: string, text: string) => string = (_c, t) => t,
): string[] {
  const now = state.now();
  const spinner = SPINNER[frame % SPINNER.length] ?? "*";
  const running = [...state.running.values()].map((r) =>
    runningLine(r, now, spinner, width, paint),
  );
  const counts = countsLine(state, paint);
  return [...running, visibleLength(counts) > width ? cut(strip(counts), width) : counts];
}

/** "3/10 done · 1 failed · 2 running · ~1m05s left": the run's progress in one line. */
export function countsLine(
  state: ProgressState,
  paint: (code: string, text: string) => string = (_c, t) => t,
): string {
  const total = state.run?.total ?? 0;
  const remaining = state.remainingMs();
  const failing = FAILING_WORDS.filter(([status]) => (state.counts.get(status) ?? 0) > 0).map(
    ([status, word]) => `${state.counts.get(status)} ${word}`,
  );
  return [
    `${state.done}/${total} done`,
    failing.length > 0 ? paint("31;1", failing.join(", ")) : "no failures",
    `${state.running.size} running`,
    remaining === undefined
      ? "estimating time left"
      : remaining < 1000
        ? "almost done"
        : `~${formatDuration(remaining)} left`,
  ].join(" · ");
}

// Lines must not wrap, or the next redraw erases the wrong rows; colours are dropped from cut lines.
function cut(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function strip(text: string): string {
  // eslint-disable-next-line no-control-regex -- removes the colour codes this file adds.
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

function visibleLength(text: string): number {
  return strip(text).length;
}

function runningLine(
  running: RunningCell,
  now: number,
  spinner: string,
  width: number,
  paint: (code: string, text: string) => string,
): string {
  const where = [running.phase, running.bootStage].filter(Boolean).join(" · ") || "starting";
  const elapsed = formatDuration(now - running.startedMs);
  const tail = ` ${where}  ${elapsed}`;
  const room = Math.max(8, width - tail.length - 2);
  const id = cut(running.cell.id, room);
  const line = `${spinner} ${id}${tail}`;
  return line.length > width
    ? cut(line, width)
    : `${paint("36", spinner)} ${id}${paint("2", tail)}`;
}
