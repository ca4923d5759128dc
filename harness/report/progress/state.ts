// What a live view keeps about a run in progress: the running cells and their stages, how many
// cells are done and how they ended, and how long finished cells took; the estimate of the time left
// comes from the cells' earlier runs when there were any.
import type { Cell } from "../../matrix/cells.ts";
import type { CellRecord } from "../../results/run-record.ts";
import type { Status } from "../../results/status.ts";
import type { CellStage } from "../../results/stages.ts";
import type { PhaseName } from "../../results/stages.ts";
import type { BootStage } from "../../console/patterns.ts";
import { estimateFromPastRuns, estimateRemainingMs } from "./eta.ts";
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
  readonly #finished = new Set<string>();
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
    this.#finished.add(record.id);
    this.done++;
    this.counts.set(record.status, (this.counts.get(record.status) ?? 0) + 1);
    if (record.status !== "skip" && record.durationMs > 0)
      this.#durationsMs.push(record.durationMs);
  }

  /** Estimated milliseconds until the run ends: from earlier runs' durations of these cells when
   * known, else once a cell of this run has finished. */
  remainingMs(): number | undefined {
    if (!this.run) return undefined;
    const now = this.#now();
    const past = this.run.pastDurationsMs;
    const ids = this.run.cellIds;
    if (past && ids) {
      const fromPast = estimateFromPastRuns({
        parallel: this.run.parallel,
        queued: ids
          .filter((id) => !this.#finished.has(id) && !this.running.has(id))
          .map((id) => ({ expectedMs: past.get(id) })),
        running: [...this.running.values()].map((r) => ({
          expectedMs: past.get(r.cell.id),
          elapsedMs: now - r.startedMs,
        })),
        finishedMs: this.#durationsMs,
      });
      if (fromPast !== undefined) return fromPast;
    }
    return estimateRemainingMs({
      total: this.run.total,
      done: this.done,
      parallel: this.run.parallel,
      finishedMs: this.#durationsMs,
      runningElapsedMs: [...this.running.values()].map((r) => now - r.startedMs),
    });
  }
}
