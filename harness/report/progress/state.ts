// What a live view keeps about a run in progress: the running cells and their stages, how many
// cells are done and how they ended, and how long finished cells took (for the estimate).
import type { Cell } from "../../matrix/cells.ts";
import type { CellRecord } from "../../results/run-record.ts";
import type { Status } from "../../results/status.ts";
import type { CellStage } from "../../run/executor.ts";
import type { PhaseName } from "../../run/lifecycle.ts";
import type { BootStage } from "../../drivers/serial/patterns.ts";
import { estimateRemainingMs } from "./eta.ts";
import type { RunStart } from "./renderer.ts";

/** A cell that has started and not finished. */
export interface RunningCell {
  cell: Cell;
  startedMs: number;
  phase?: PhaseName;
  bootStage?: BootStage;
}

const PHASES: ReadonlySet<string> = new Set(["build", "boot", "drive", "collect", "teardown"]);

/** The progress of one run, fed by the renderer's events; `now` is injectable for tests. */
export class ProgressState {
  run: RunStart | undefined;
  readonly running = new Map<string, RunningCell>();
  readonly counts = new Map<Status, number>();
  done = 0;
  readonly #durationsMs: number[] = [];
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Milliseconds on the state's clock. */
  now(): number {
    return this.#now();
  }

  /** A cell started. */
  start(cell: Cell): RunningCell {
    const running: RunningCell = { cell, startedMs: this.#now() };
    this.running.set(cell.id, running);
    return running;
  }

  /** A phase began or the console reached a boot stage. */
  stage(cell: Cell, stage: CellStage): void {
    const running = this.running.get(cell.id) ?? this.start(cell);
    if (PHASES.has(stage)) {
      running.phase = stage as PhaseName;
      if (stage === "build") delete running.bootStage;
    } else running.bootStage = stage as BootStage;
  }

  /** A cell finished; skipped cells count as done but not towards the estimate. */
  finish(record: CellRecord): void {
    this.running.delete(record.id);
    this.done++;
    this.counts.set(record.status, (this.counts.get(record.status) ?? 0) + 1);
    if (record.status !== "skip" && record.durationMs > 0)
      this.#durationsMs.push(record.durationMs);
  }

  /** Estimated milliseconds until the run ends, once a cell has finished. */
  remainingMs(): number | undefined {
    if (!this.run) return undefined;
    const now = this.#now();
    return estimateRemainingMs({
      total: this.run.total,
      done: this.done,
      parallel: this.run.parallel,
      finishedMs: this.#durationsMs,
      runningElapsedMs: [...this.running.values()].map((r) => now - r.startedMs),
    });
  }
}
