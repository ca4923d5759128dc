// CI logs and pipes: one line per finished cell (with reasons and a reproduction command when it
// did not pass), then the totals line. Nothing is redrawn, so the log reads top to bottom.
import type { Writable } from "node:stream";
import type { CellRecord, RunRecord } from "../../results/run-record.ts";
import type { Status } from "../../results/status.ts";
import { printCell, totalsLine } from "../terminal.ts";
import type { ProgressRenderer, RunStart } from "./renderer.ts";

const QUIET_SHOWS: ReadonlySet<Status> = new Set(["fail", "error", "timeout", "flaky"]);

/** Options of the line view; `quiet` prints only cells that failed or were flaky. */
export interface LineOptions {
  quiet?: boolean;
  /** Told of every event too (the console follower of --verbose). */
  also?: Pick<ProgressRenderer, "runStarted" | "cellStarted" | "cellFinished" | "close">;
}

/** The line-per-cell view. */
export function lineRenderer(out: Writable, options: LineOptions = {}): ProgressRenderer {
  let runDir: string | undefined;
  return {
    runStarted(run: RunStart) {
      runDir = run.runDir;
      options.also?.runStarted(run);
    },
    cellStarted(cell) {
      options.also?.cellStarted(cell);
    },
    cellStage() {},
    cellFinished(record: CellRecord) {
      options.also?.cellFinished(record);
      if (options.quiet && !QUIET_SHOWS.has(record.status)) return;
      printCell(out, record, runDir);
    },
    runFinished(record: RunRecord, dir: string) {
      options.also?.close();
      out.write(`${totalsLine(record, dir)}\n`);
    },
    close() {
      options.also?.close();
    },
  };
}
