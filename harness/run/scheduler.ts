// Runs cells with at most N at once (p-limit) and reports each as it finishes.
import pLimit from "p-limit";
import type { Cell } from "../matrix/cells.ts";
import type { CellRecord } from "../results/run-record.ts";
import { runCell, type CellRunOptions } from "./cell-runner.ts";

export interface ScheduleOptions extends CellRunOptions {
  parallel: number;
  onStart?: (cell: Cell) => void;
  onFinish?: (record: CellRecord) => void;
}

/** Runs every cell; records come back in matrix order whatever order they finished in. */
export async function runCells(
  cells: readonly Cell[],
  options: ScheduleOptions,
): Promise<CellRecord[]> {
  const limit = pLimit(options.parallel);
  return Promise.all(
    cells.map((cell) =>
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
    ),
  );
}
