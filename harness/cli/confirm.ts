// harness confirm: the nightly's rule that a regression counts only when it fails again. Each cell
// that regressed (judged against its last judged earlier run: the baseline, or the history's) is
// re-run N times; a pass on any re-run makes it flaky.
import { dirname, resolve } from "node:path";
import { shownPath } from "../util/shown-path.ts";
import { hostInfo, hostLabels } from "../util/host-labels.ts";
import { EXIT, inputError } from "../errors.ts";
import { compareWithHistory, type CellDiff } from "../results/compare.ts";
import type { RunRecord } from "../results/run-record.ts";
import { readRunRecord } from "../report/report.ts";
import { applyConfirmation } from "../run/confirm.ts";
import { writeRunFiles } from "../run/run-dir.ts";
import { executeRun } from "../run/run.ts";
import { parseArgs, type ParsedArgs } from "../util/args.ts";
import type { Command, CommandIo } from "../util/command.ts";
import { CASES_FLAG, LABELS_FLAG } from "./common-flags.ts";
import { earlierRuns, HISTORY_FLAGS } from "./compare-sources.ts";
import { runCommand } from "./run.ts";
import { withConfiguredPlatforms } from "./platform-settings.ts";
import { planRun } from "./run-plan.ts";

/** `harness confirm RUN_DIR --baseline RUN_DIR | --history DIR | --logs-repo URL [--times N]`. */
export const confirmCommand: Command = {
  name: "confirm",
  summary:
    "Re-run a run's regressions N times; those that pass once become flaky (rewrites RUN_DIR)",
  usage:
    "harness confirm RUN_DIR --baseline RUN_DIR | --history LOGS_DIR | --logs-repo URL [--match GLOB] [--times N] [--parallel N] [--timeout D]",
  flags: [
    {
      name: "baseline",
      type: "string",
      valueName: "RUN_DIR",
      description: "the one earlier run that decides what regressed",
    },
    ...HISTORY_FLAGS,
    { name: "times", type: "string", valueName: "N", description: "re-runs per cell (default 3)" },
    CASES_FLAG,
    LABELS_FLAG,
    { name: "parallel", short: "j", type: "string", valueName: "N", description: "cells at once" },
    { name: "timeout", type: "string", valueName: "DURATION", description: "deadline per cell" },
    {
      name: "logs",
      type: "string",
      valueName: "DIR",
      description: "where the re-run's folder goes (default: beside RUN_DIR)",
    },
    {
      name: "run-id",
      type: "string",
      valueName: "ID",
      description: "the re-run's id (default: <run-id>-confirm)",
    },
  ],
  async run(args, io) {
    if (args.positionals.length !== 1) {
      throw inputError("EUSAGE", "harness confirm takes one run folder", {
        hint: "e.g. harness confirm logs/nightly-2 --history logs --times 3",
      });
    }
    const times = args.integer("times", 1, 10) ?? 3;
    const runDir = resolve(io.cwd, args.positionals[0] as string);
    const run = await readRunRecord(runDir);
    const history = await earlierRuns(args, io, run, "harness confirm");
    if (history.earlier.length === 0) {
      io.stdout.write(`no earlier complete run in ${history.source}; nothing to confirm\n`);
      return EXIT.ok;
    }
    const regressions = compareWithHistory(history.earlier, run, history.window).regressions;
    if (regressions.length === 0) {
      io.stdout.write(`no regressions against ${history.source}; nothing to confirm\n`);
      return EXIT.ok;
    }
    io.stdout.write(
      `re-running ${regressions.length} regressed cell${regressions.length === 1 ? "" : "s"} ${times} times each\n`,
    );
    const rerunArgs = rerunArgv(args, run, regressions, times, runDir, io.cwd);
    // The re-run's own platforms (remote runners, a GCP project) come from harness.yml, as in a run.
    const rerunParsed = parseArgs(rerunArgs, runCommand.flags, "run");
    const plan = await withConfiguredPlatforms(
      await planRun(rerunParsed, io.cwd, ["run", ...rerunArgs]),
      rerunParsed,
      io,
    );
    const { record: rerun } = await executeRun(plan, { stdout: io.stdout, signal: io.signal });
    if (io.signal.aborted) return EXIT.interrupted;
    const judged = applyConfirmation(run, regressions, rerun);
    await writeRunFiles(runDir, judged.run);
    for (const v of judged.verdicts) {
      const what = v.confirmed ? "confirmed" : "flaky";
      io.stdout.write(`${what}: ${v.key} (${v.failed} of ${v.reruns} re-runs failed)\n`);
    }
    const confirmed = judged.verdicts.filter((v) => v.confirmed).length;
    io.stdout.write(
      `${confirmed} of ${judged.verdicts.length} regressions confirmed; ${shownPath(runDir, io.cwd)} updated\n`,
    );
    return confirmed > 0 ? EXIT.testFailed : EXIT.ok;
  },
};

/** The `harness run` flags that re-run exactly the regressed cells, `times` times each. */
function rerunArgv(
  args: ParsedArgs,
  run: RunRecord,
  regressions: readonly CellDiff[],
  times: number,
  runDir: string,
  cwd: CommandIo["cwd"],
): string[] {
  const unique = (pick: (d: CellDiff) => string) => [...new Set(regressions.map(pick))].join(",");
  // The run's own labels, less this host's (set again anyway), keep the reproduce lines short.
  const host = new Set(hostLabels(hostInfo()));
  const labels = args.string("labels") ?? run.inputs.labels.filter((l) => !host.has(l)).join(",");
  const optional = (flag: string) => {
    const value = args.string(flag);
    return value === undefined ? [] : [`--${flag}`, value];
  };
  return [
    "--cases",
    args.string("cases") ?? run.inputs.casesDir,
    ...(labels === "" ? [] : ["-l", labels]),
    "--platform",
    unique((d) => d.platform),
    "--arch",
    unique((d) => d.arch),
    "--kernel",
    unique((d) => d.kernel),
    // Repetitions past the first are "<id>.rN".
    ...regressions.flatMap((d) => ["--include", `${d.key},${d.key}.r*`]),
    "--repeat",
    String(times),
    "--logs",
    resolve(cwd, args.string("logs") ?? dirname(runDir)),
    "--run-id",
    args.string("run-id") ?? `${run.runId}-confirm`,
    ...optional("parallel"),
    ...optional("timeout"),
  ];
}
