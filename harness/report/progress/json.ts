// --json: the run as a stream of JSON lines, one event per line, for other tools to read.
import type { Writable } from "node:stream";
import type { Cell } from "../../matrix/cells.ts";
import type { CellRecord, RunRecord } from "../../results/run-record.ts";
import type { Status } from "../../results/status.ts";
import type { CellStage } from "../../results/stages.ts";
import { totalsLine } from "../terminal.ts";
import type { ProgressRenderer, RunStart } from "./renderer.ts";

/** One line of the --json stream; `time` is an ISO timestamp. */
export type ProgressEvent =
  | ({ event: "run-start"; time: string } & Pick<
      RunStart,
      "runId" | "runDir" | "total" | "parallel"
    >)
  | {
      event: "cell-start";
      time: string;
      cell: string;
      case: string;
      platform: string;
      arch: string;
      kernel: string;
      repeat: number;
    }
  | { event: "cell-stage"; time: string; cell: string; stage: CellStage }
  | {
      event: "cell-finish";
      time: string;
      cell: string;
      status: Status;
      durationMs: number;
      reasons: string[];
      reproduce: string;
      dir: string;
    }
  | {
      event: "run-finish";
      time: string;
      runId: string;
      runDir: string;
      state: RunRecord["state"];
      exitCode: number;
      durationMs: number;
      counts: Record<Status, number>;
      /** The same totals line the other views end with. */
      totals: string;
    };

/** The JSON-lines view; `now` is injectable for tests. */
export function jsonRenderer(out: Writable, now: () => Date = () => new Date()): ProgressRenderer {
  const emit = (event: ProgressEvent) => out.write(`${JSON.stringify(event)}\n`);
  const time = () => now().toISOString();
  return {
    runStarted: (run: RunStart) =>
      emit({
        event: "run-start",
        time: time(),
        runId: run.runId,
        runDir: run.runDir,
        total: run.total,
        parallel: run.parallel,
      }),
    cellStarted: (cell: Cell) =>
      emit({
        event: "cell-start",
        time: time(),
        cell: cell.id,
        case: cell.testCase.name,
        platform: cell.platform,
        arch: cell.arch,
        kernel: cell.kernel,
        repeat: cell.repeatIndex,
      }),
    cellStage: (cell: Cell, stage: CellStage) =>
      emit({ event: "cell-stage", time: time(), cell: cell.id, stage }),
    cellFinished: (record: CellRecord) =>
      emit({
        event: "cell-finish",
        time: time(),
        cell: record.id,
        status: record.status,
        durationMs: record.durationMs,
        reasons: record.reasons,
        reproduce: record.reproduce,
        dir: record.dir,
      }),
    runFinished: (record: RunRecord, runDir: string) =>
      emit({
        event: "run-finish",
        time: time(),
        runId: record.runId,
        runDir,
        state: record.state,
        exitCode: record.exitCode,
        durationMs: record.durationMs,
        counts: record.counts,
        totals: totalsLine(record, runDir),
      }),
    close: () => undefined,
  };
}
