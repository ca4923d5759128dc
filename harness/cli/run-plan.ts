// The plan of a run from its flags: which cells (after --shard), where the record goes, how many
// at once, retries and deadlines; all checked before anything is written, the selected cases'
// image YAML included, and a selection without cells is bad input.
import { resolve, relative } from "node:path";
import { cpus } from "node:os";
import { inputError, throwAll } from "../errors.ts";
import { caseImageProblems } from "../cases/validate-selection.ts";
import { parseShard, takeShard } from "../matrix/shard.ts";
import { parseDurationMs } from "../util/duration.ts";
import { labelList } from "../cases/labels.ts";
import { checkRunId, newRunId } from "../run/run-dir.ts";
import type { RunPlan } from "../run/run.ts";
import type { ParsedArgs } from "../util/args.ts";
import { runCells } from "./run-cells.ts";
import { noCellsError } from "./no-cells.ts";

/**
 * The run `harness run` would make of `args`, run from `cwd` with the command line `argv`; `parts`
 * are more cell selections of the same run (a preset's `also:`), `args` itself first.
 */
export async function planRun(
  args: ParsedArgs,
  cwd: string,
  argv: readonly string[],
  parts: readonly ParsedArgs[] = [args],
): Promise<RunPlan> {
  const { selection, request, cells: allCells } = await runCells(parts, cwd, true);
  const shardText = args.string("shard");
  const shard = shardText === undefined ? undefined : parseShard(shardText);
  if (allCells.length === 0) throw noCellsError(args, selection, request);
  // Every shard checks the whole selection, so a broken case fails all of them the same way.
  throwAll(await caseImageProblems(allCells.map((cell) => cell.testCase)));
  const cells = shard ? takeShard(allCells, shard) : allCells;
  const parallel = args.integer("parallel", 1, 256) ?? cpus().length;
  const retries = args.integer("retries", 0, 10) ?? 0;
  const retryBudgetMs = durationFlag(args, "retry-budget") ?? 30 * 60_000;
  const cellTimeoutMs = durationFlag(args, "timeout");
  const logsDir = resolve(cwd, args.string("logs") ?? "logs");
  const runId = args.string("run-id") ?? newRunId();
  await checkRunId(logsDir, runId);
  const casesFlag = args.string("cases");
  return {
    cells,
    casesRoot: selection.casesRoot,
    logsDir,
    runId,
    parallel,
    retries,
    retryBudgetMs,
    ...(cellTimeoutMs === undefined ? {} : { cellTimeoutMs }),
    activeLabels: selection.activeLabels,
    host: selection.host,
    inputs: {
      argv: [...argv],
      casesDir: relative(cwd, selection.casesRoot) || ".",
      patterns: args.positionals,
      labels: labelList(selection.activeLabels),
      platforms: request.platforms.map((p) => p.name),
      arches: [...request.arches],
      kernels: [...new Set(cells.map((c) => c.kernel))],
      parallel,
      retries,
      ...(shardText === undefined ? {} : { shard: shardText }),
    },
    reproduceArgs: [
      ...(casesFlag ? ["--cases", casesFlag] : []),
      ...(args.string("labels") ? ["-l", args.string("labels") as string] : []),
    ],
  };
}

function durationFlag(args: ParsedArgs, name: string): number | undefined {
  const raw = args.string(name);
  if (raw === undefined) return undefined;
  const ms = parseDurationMs(raw);
  if (ms === undefined || ms <= 0) {
    throw inputError(
      "EFLAG",
      `--${name} must be a duration like 90s, 10m or 1h30m, got ${JSON.stringify(raw)}`,
    );
  }
  return ms;
}
