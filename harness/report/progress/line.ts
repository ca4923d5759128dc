// CI logs and pipes: the run's header, one line per finished cell (with reasons and a reproduction
// command when it did not pass), a heartbeat while nothing else is printed, then the totals line.
// Nothing is redrawn, so the log reads top to bottom.
import type { Writable } from "node:stream";
import type { CellRecord, RunRecord } from "../../results/run-record.ts";
import type { Status } from "../../results/status.ts";
import { formatDuration } from "../../util/duration.ts";
import { headerLine, printCell, totalsLine } from "../terminal.ts";
import type { ProgressRenderer, RunStart } from "./renderer.ts";
import { ProgressState } from "./state.ts";
import { startTicker, type Ticker } from "./ticker.ts";
import { countsLine } from "./tty.ts";

const QUIET_SHOWS: ReadonlySet<Status> = new Set(["fail", "error", "timeout", "flaky"]);
/** A CI log that says nothing for this long looks hung; a heartbeat line comes sooner. */
export const HEARTBEAT_MS = 30_000;
const DEADLINE_MS = 24 * 60 * 60_000;

/** Options of the line view; `quiet` prints only cells that failed or were flaky. */
export interface LineOptions {
  quiet?: boolean;
  /** Told of every event too (the console follower of --verbose). */
  also?: Pick<ProgressRenderer, "runStarted" | "cellStarted" | "cellFinished" | "close">;
  /** Fold each failing cell's details into a log group (GitHub Actions' ::group::). */
  groups?: boolean;
  /** The longest silence between lines (default 30 s); 0 turns the heartbeat off. */
  heartbeatMs?: number;
  state?: ProgressState;
  /** Starts the heartbeat timer; tests pass one they drive by hand. */
  startTicker?: typeof startTicker;
}

/** The line-per-cell view. */
export function lineRenderer(out: Writable, options: LineOptions = {}): ProgressRenderer {
  const state = options.state ?? new ProgressState();
  const heartbeatMs = options.heartbeatMs ?? (options.quiet ? 0 : HEARTBEAT_MS);
  let lastLineMs = state.now();
  let startedMs = lastLineMs;
  let ticker: Ticker | undefined;
  const write = (text: string) => {
    out.write(text);
    lastLineMs = state.now();
  };
  // Ticks three times a heartbeat, so no silence outlasts it by more than a third.
  const tick = () => {
    const now = state.now();
    if (now - lastLineMs < (heartbeatMs * 2) / 3) return;
    write(`… ${formatDuration(now - startedMs)} in: ${countsLine(state)}\n`);
  };
  const stop = () => {
    ticker?.stop();
    ticker = undefined;
  };
  return {
    runStarted(run: RunStart) {
      state.run = run;
      startedMs = state.now();
      write(`${headerLine(run)}\n`);
      if (heartbeatMs > 0)
        ticker = (options.startTicker ?? startTicker)(tick, heartbeatMs / 3, DEADLINE_MS);
      options.also?.runStarted(run);
    },
    cellStarted(cell) {
      state.start(cell);
      options.also?.cellStarted(cell);
    },
    cellStage(cell, stage) {
      state.stage(cell, stage);
    },
    cellFinished(record: CellRecord) {
      state.finish(record);
      options.also?.cellFinished(record);
      if (options.quiet && !QUIET_SHOWS.has(record.status)) return;
      printCell(out, record, {
        ...(state.run ? { runDir: state.run.runDir } : {}),
        group: options.groups === true,
      });
      lastLineMs = state.now();
    },
    runFinished(record: RunRecord, dir: string) {
      stop();
      options.also?.close();
      out.write(`${totalsLine(record, dir)}\n`);
    },
    close() {
      stop();
      options.also?.close();
    },
  };
}
