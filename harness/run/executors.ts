// Picks the executor for a cell by its case kind.
import { HarnessError } from "../errors.ts";
import type { Cell } from "../matrix/cells.ts";
import type { CellExecutor } from "./executor.ts";
import { scriptExecutor } from "./script-executor.ts";

// Image cases need the image builder and a booting platform; until they exist the cell is an error.
const imageExecutorMissing: CellExecutor = {
  build(context) {
    const image = context.cell.testCase.files.image ?? "test.yml";
    return Promise.reject(
      new HarnessError(
        "ENOBUILDER",
        `cannot build ${image}: this harness has no image builder yet`,
        {
          hint: "image cases run once the LinuxKit image builder is available; host-script cases (test.sh) run now",
        },
      ),
    );
  },
  boot: () => Promise.resolve(),
  drive: () => Promise.resolve({}),
  teardown: () => Promise.resolve(),
};

/** The executor that runs this cell. */
export function executorFor(cell: Cell): CellExecutor {
  return cell.testCase.kind === "script" ? scriptExecutor : imageExecutorMissing;
}
