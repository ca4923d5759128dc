// Runs cells with at most N at once (p-limit), longest first by earlier runs, and reports each as it
// finishes.
import pLimit from "p-limit";
import type { Cell } from "../matrix/cells.ts";
import type { CellRecord } from "../results/run-record.ts";
import { runCell, type CellRunOptions } from "./cell-runner.ts";
import { longestFirst } from "./durations.ts";

export interface ScheduleOptions extends CellRunOptions {
  parallel: number;
  /** Each cell id's duration in earlier runs: cells start longest first (see longestFirst). */
  durations?: ReadonlyMap<string, number>;
  onStart?: (cell: Cell) => void;
  onFinish?: (record: CellRecord) => void;
}

/** Runs every cell, started in the order `durations` suggests (matrix order without it); records
 * come back in matrix order whatever order they started or finished in. */
export async function runCells(
  cells: readonly Cell[],
  options: ScheduleOptions,
): Promise<CellRecord[]> {
  const limit = pLimit(options.parallel);
  const order = options.durations ? longestFirst(cells, options.durations) : cells;
  // p-limit starts queued work in the order it was queued.
  const records = new Map<Cell, Promise<CellRecord>>();
  for (const cell of order) {
    records.set(
      cell,
      limit(async () => {
        if (!cell.skipReason && !options.runSignal.aborted) options.onStart?.(cell);
        try {
          const record = await runCell(cell, options);
          options.onFinish?.(record);
          return record;
        } finally {
          await options.groups.leave(cell);
        }
      }),
    );
  }
  return Promise.all(cells.map((cell) => records.get(cell) as Promise<CellRecord>));
}
