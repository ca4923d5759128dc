// What a live view of a run is told, in order: the run starts, cells start, change stage and
// finish, the run finishes. One implementation per kind of output (terminal, CI log, JSON lines).
import type { Cell } from "../../matrix/cells.ts";
import type { CellRecord, RunRecord } from "../../results/run-record.ts";
import type { CellStage } from "../../results/stages.ts";

/** What is known when a run starts. */
export interface RunStart {
  runId: string;
  runDir: string;
  /** Cells in the run, skipped ones included. */
  total: number;
  parallel: number;
  /** The ids of the run's cells, for the estimate of the time left. */
  cellIds?: readonly string[];
  /** Each cell id's duration in the newest earlier run that ran it (see harness/run/durations.ts). */
  pastDurationsMs?: ReadonlyMap<string, number>;
}

/** A live view of a run; every method returns at once and never throws. */
export interface ProgressRenderer {
  runStarted(run: RunStart): void;
  cellStarted(cell: Cell): void;
  cellStage(cell: Cell, stage: CellStage): void;
  cellFinished(record: CellRecord): void;
  /** Writes the closing totals (the last line of a run's output). */
  runFinished(record: RunRecord, runDir: string): void;
  /** Stops every timer the view started; safe to call more than once. */
  close(): void;
}
