// The harness process's own peak memory while it runs four guests at once (qemu not counted).
import { passing } from "./boot.ts";
import { harnessRun } from "./lib/harness.ts";
import { round } from "./lib/measure.ts";
import type { BenchOptions, Measured } from "./lib/types.ts";
import type { CellRecord } from "../harness/results/run-record.ts";

const VMS = 4;
const GOAL_MB = 150;

/** Peak VmHWM of `harness run --parallel 4` over 4 cells, in MB (10^6 bytes). */
export async function measureMemory(options: BenchOptions): Promise<Measured> {
  const run = passing(
    await harnessRun(
      [
        "minimal",
        "--cases",
        options.benchCases,
        "--platform",
        "qemu",
        "--repeat",
        String(VMS),
        "--parallel",
        String(VMS),
      ],
      { sampleMemory: true },
    ),
  );
  if (run.peakKiB === undefined) throw new Error("the harness process's memory could not be read");
  const together = mostAtOnce(run.record.cells);
  if (together < VMS) throw new Error(`only ${together} of the ${VMS} guests ran at the same time`);
  const mb = (run.peakKiB * 1024) / 1e6;
  return {
    rows: [
      {
        measure: `harness peak memory, ${VMS} VMs running`,
        value: `${mb.toFixed(1)} MB`,
        goal: `≤ ${GOAL_MB} MB`,
        met: mb <= GOAL_MB,
      },
    ],
    details: {
      vms: VMS,
      peakKiB: run.peakKiB,
      peakMB: round(mb, 1),
      goalMB: GOAL_MB,
      runMs: round(run.ms),
    },
  };
}

// The most cells whose attempts overlapped in time: the peak is only meaningful if all ran at once.
function mostAtOnce(cells: readonly CellRecord[]): number {
  const spans = cells.flatMap((cell) =>
    cell.attempts.map(
      (a) => [Date.parse(a.startedAt), Date.parse(a.startedAt) + a.durationMs] as const,
    ),
  );
  return Math.max(
    0,
    ...spans.map(([start]) => spans.filter(([s, end]) => s <= start && start < end).length),
  );
}
