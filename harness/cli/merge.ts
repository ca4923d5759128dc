// harness merge: shard run folders joined into one run, the way the CI aggregate job sees the PR.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { shownPath } from "../util/shown-path.ts";
import { EXIT, inputError, throwAll, type HarnessError } from "../errors.ts";
import type { PlannedCell, ShardRun } from "../results/merge.ts";
import { readRunRecord } from "../report/report.ts";
import { newRunId } from "../run/run-dir.ts";
import { writeMergedRun } from "../run/merge-dir.ts";
import { countsPhrase } from "../publish/status-text.ts";
import type { Command } from "../util/command.ts";

/** `harness merge RUN_DIR.. [--expect MATRIX.json] [--run-id ID] [--logs DIR]`. */
export const mergeCommand: Command = {
  name: "merge",
  summary: "Join shard run folders into one run (run.json, junit.xml, summary.md, index.html)",
  usage: "harness merge RUN_DIR.. [--expect MATRIX.json] [--run-id ID] [--logs DIR]",
  flags: [
    {
      name: "expect",
      type: "string",
      valueName: "FILE",
      description: "the plan (harness matrix --format json): cells no shard reported become errors",
    },
    {
      name: "run-id",
      type: "string",
      valueName: "ID",
      description: "name of the merged run's folder (default: time-based)",
    },
    {
      name: "logs",
      type: "string",
      valueName: "DIR",
      description: "where the merged run's folder goes (default: logs/)",
    },
  ],
  async run(args, io) {
    const expectFile = args.string("expect");
    if (args.positionals.length === 0 && expectFile === undefined) {
      throw inputError("EUSAGE", "harness merge needs at least one run folder", {
        hint: "e.g. harness merge shards/*/ --expect matrix.json (see harness merge --help)",
      });
    }
    const errors: HarnessError[] = [];
    const shards: ShardRun[] = [];
    for (const given of args.positionals) {
      const dir = resolve(io.cwd, given);
      await readRunRecord(dir).then(
        (run) => shards.push({ dir, run }),
        (error: HarnessError) => errors.push(error),
      );
    }
    const expected =
      expectFile === undefined
        ? undefined
        : await readPlan(resolve(io.cwd, expectFile)).catch((error: HarnessError) => {
            errors.push(error);
            return undefined;
          });
    throwAll(errors);
    const logsDir = resolve(io.cwd, args.string("logs") ?? "logs");
    const result = await writeMergedRun({
      shards,
      logsDir,
      runId: args.string("run-id") ?? newRunId(),
      ...(expected === undefined ? {} : { expected }),
    });
    for (const shard of result.missingShards)
      io.stderr.write(`harness: no run folder for shard ${shard}\n`);
    for (const cell of result.missing)
      io.stderr.write(
        `harness: no result for ${cell.id} (shard ${cell.shard}); counted as error\n`,
      );
    for (const id of result.unplanned)
      io.stderr.write(`harness: ${id} is not in the plan ${expectFile ?? ""}; kept\n`);
    const shown = shownPath(result.runDir, io.cwd);
    io.stdout.write(
      `merged ${shards.length} run${shards.length === 1 ? "" : "s"} into ${shown}: ${result.run.cells.length} cells, ${countsPhrase(result.run.cells)}\n`,
    );
    const incomplete = result.missingShards.length > 0 ? EXIT.infrastructure : EXIT.ok;
    return result.run.exitCode === EXIT.ok ? incomplete : result.run.exitCode;
  },
};

/** The cells of `harness matrix --format json` output; anything else is bad input. */
async function readPlan(path: string): Promise<PlannedCell[]> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  const hint = "write it with: harness matrix … --shards N --format json > FILE";
  if (text === undefined) throw inputError("EPLAN", `--expect ${path} does not exist`, { hint });
  let parsed: { cells?: unknown };
  try {
    parsed = JSON.parse(text) as { cells?: unknown };
  } catch (error) {
    throw inputError("EPLAN", `--expect ${path} is not JSON`, { hint, cause: error });
  }
  const cells = parsed.cells;
  const valid =
    Array.isArray(cells) &&
    cells.every(
      (c: Partial<PlannedCell> | null) =>
        typeof c?.id === "string" &&
        typeof c.case === "string" &&
        typeof c.platform === "string" &&
        typeof c.arch === "string" &&
        typeof c.kernel === "string" &&
        typeof c.shard === "string",
    );
  if (!valid) {
    throw inputError("EPLAN", `--expect ${path} is not a matrix plan (no "cells" list of cells)`, {
      hint,
    });
  }
  return cells as PlannedCell[];
}
