// One step of harness bisect: the selected cells run on one kernel through harness run itself, into
// a run folder of their own, and judged from its run.json: bad when any repetition failed.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { shownPath } from "../util/shown-path.ts";
import { EXIT, HarnessError } from "../errors.ts";
import type { KernelVerdict } from "../results/bisect.ts";
import { isFailingStatus } from "../results/cell-status.ts";
import { readRunRecord } from "../report/report.ts";
import { parseArgs } from "../util/args.ts";
import type { CommandIo } from "../util/command.ts";
import { runCommand } from "./run.ts";

/** What every step passes on to harness run, and where the steps' run folders go. */
export interface BisectRunSetup {
  /** harness run's arguments without --kernel, --run-id and --logs. */
  runArgv: string[];
  logsDir: string;
  /** The run ids' common start: <bisectId>-<step>-<kernel>. */
  bisectId: string;
}

/** Runs the cells on `kernel` (step `step`) and judges them. */
export async function judgeKernel(
  kernel: string,
  step: number,
  setup: BisectRunSetup,
  io: CommandIo,
): Promise<KernelVerdict> {
  const runId = `${setup.bisectId}-${step}-${kernel.replace(/[^A-Za-z0-9._-]+/g, "_")}`.slice(
    0,
    120,
  );
  const argv = [...setup.runArgv, "--kernel", kernel, "--logs", setup.logsDir, "--run-id", runId];
  // harness run's own lines go to stderr: stdout is the bisect's report.
  const code = await runCommand.run(parseArgs(argv, runCommand.flags, "run"), {
    ...io,
    stdout: io.stderr,
    argv: ["run", ...argv],
  });
  if (code === EXIT.interrupted) {
    throw new HarnessError("EINTERRUPTED", `bisect interrupted while running ${kernel}`, {
      exitCode: EXIT.interrupted,
    });
  }
  const runDir = join(setup.logsDir, runId);
  const run = await readRunRecord(runDir, `the run of ${kernel}`);
  const judged = run.cells.filter((c) => c.status !== "skip" && c.status !== "cancel");
  const failing = judged.filter((c) => isFailingStatus(c.status) || c.status === "flaky");
  const first = failing[0];
  return {
    kernel,
    bad: failing.length > 0,
    summary:
      judged.length === 0
        ? `every cell skipped (${run.cells[0]?.reasons[0] ?? "no cells"})`
        : failing.length === 0
          ? `${judged.length}/${judged.length} passed`
          : `${failing.length}/${judged.length} failed: ${first?.id} ${first?.status}: ${(first?.reasons[0] ?? "").split("\n")[0]}`,
    runDir: shownPath(runDir, io.cwd),
    ...(first ? await failingLog(join(runDir, first.dir), io.cwd) : {}),
  };
}

// The failing cell's console.log and its last lines; the cell folder when it has none.
async function failingLog(
  cellDir: string,
  cwd: string,
): Promise<Pick<KernelVerdict, "log" | "logTail">> {
  const file = join(cellDir, "console.log");
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return { log: shownPath(cellDir, cwd) };
  return { log: shownPath(file, cwd), logTail: text.trimEnd().split("\n").slice(-TAIL_LINES) };
}

const TAIL_LINES = 10;
