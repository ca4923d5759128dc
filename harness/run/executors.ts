// Picks the executor for a cell by its case kind; a fresh one per attempt.
import type { Cell } from "../matrix/cells.ts";
import type { CellExecutor } from "./executor.ts";
import { scriptExecutor } from "./script-executor.ts";
import { imageExecutor } from "./image-executor.ts";

/** The executor that runs one attempt at this cell. */
export function executorFor(cell: Cell): CellExecutor {
  return cell.testCase.kind === "script" ? scriptExecutor : imageExecutor();
}
