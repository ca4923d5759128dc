// Eight cheap image cells (the minimal case repeated) with --parallel 2 against one at a time.
import { passing } from "./boot.ts";
import { harnessRun } from "./lib/harness.ts";
import { formatMs, round } from "./lib/measure.ts";
import type { BenchOptions, Measured } from "./lib/types.ts";

const CELLS = 8;
const GOAL = 0.59;

/** Wall time of 8 cells serially and two at a time, and their ratio. */
export async function measureParallel(options: BenchOptions): Promise<Measured> {
  const args = (parallel: number) => [
    "minimal",
    "--cases",
    options.benchCases,
    "--platform",
    "qemu",
    "--repeat",
    String(CELLS),
    "--parallel",
    String(parallel),
  ];
  const serial = passing(await harnessRun(args(1)));
  const parallel = passing(await harnessRun(args(2)));
  if (serial.record.cells.length !== CELLS || parallel.record.cells.length !== CELLS)
    throw new Error(
      `expected ${CELLS} cells, got ${serial.record.cells.length} and ${parallel.record.cells.length}`,
    );
  const ratio = parallel.ms / serial.ms;
  return {
    rows: [
      { measure: `${CELLS} cells, --parallel 1`, value: formatMs(serial.ms), goal: "reference" },
      { measure: `${CELLS} cells, --parallel 2`, value: formatMs(parallel.ms), goal: "" },
      {
        measure: "--parallel 2 ÷ serial",
        value: ratio.toFixed(3),
        goal: `≤ ${GOAL}`,
        met: ratio <= GOAL,
      },
    ],
    details: {
      cells: CELLS,
      serialMs: round(serial.ms),
      parallelMs: round(parallel.ms),
      ratio: round(ratio, 3),
      goal: GOAL,
    },
  };
}
