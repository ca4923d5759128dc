// A guest that panics: how long from the panic line on the console to the cell's verdict.
import { harnessRun } from "./lib/harness.ts";
import { formatMs } from "./lib/measure.ts";
import type { BenchOptions, Measured } from "./lib/types.ts";

const GOAL_MS = 1000;

/** The panic fixture's fatal → verdict time from its run record. */
export async function measurePanic(options: BenchOptions): Promise<Measured> {
  const run = await harnessRun(["vm.panic", "--cases", options.fixtureCases, "--platform", "qemu"]);
  const cell = run.record.cells[0];
  if (cell?.status !== "error")
    throw new Error(`the panic fixture ended ${cell?.status ?? "without a cell"}, not error`);
  const stages = cell.attempts.at(-1)?.machine?.stagesMs ?? {};
  const ms = (stages.verdict ?? NaN) - (stages.fatal ?? NaN);
  return {
    rows: [
      {
        measure: "panic line → cell verdict",
        value: formatMs(ms),
        goal: `≤ ${GOAL_MS} ms`,
        met: ms <= GOAL_MS,
      },
    ],
    details: { panicToVerdictMs: ms, goalMs: GOAL_MS, stagesMs: stages, cellMs: run.ms },
  };
}
