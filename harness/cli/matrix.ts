// harness matrix: the cells a run would take, split into shards, for GitHub Actions or as JSON.
import { inputError } from "../errors.ts";
import { takeShard } from "../matrix/shard.ts";
import type { Command } from "../util/command.ts";
import { CASES_FLAG, LABELS_FLAG } from "./common-flags.ts";
import { MATRIX_FLAGS } from "./matrix-request.ts";
import { PRESET_FLAGS, presetParts, withPreset } from "./preset-flags.ts";
import { runCells } from "./run-cells.ts";
import { choicesHint } from "../util/suggest.ts";

const FORMATS = ["github", "json"];

/** `harness matrix [PATTERN..] [--platform P..] --shards N --format github|json`. */
export const matrixCommand: Command = {
  name: "matrix",
  summary: "Print the matrix of cells split into shards (github: input for strategy.matrix)",
  usage:
    "harness matrix [PATTERN..] [--platform P..] [--arch A..] [--kernel K..] --shards N --format github|json",
  flags: [
    CASES_FLAG,
    LABELS_FLAG,
    ...MATRIX_FLAGS,
    ...PRESET_FLAGS,
    { name: "shards", type: "string", valueName: "N", description: "number of shards (default 1)" },
    {
      name: "format",
      type: "string",
      valueName: "F",
      description: "github (strategy.matrix JSON) or json (every cell)",
    },
  ],
  async run(given, io) {
    const args = await withPreset(given, io.cwd);
    const format = args.string("format") ?? "json";
    if (!FORMATS.includes(format)) {
      throw inputError("EFLAG", `unknown --format ${JSON.stringify(format)}`, {
        hint: choicesHint(format, FORMATS),
      });
    }
    const shards = args.integer("shards", 1, 256) ?? 1;
    const { cells } = await runCells(await presetParts(given, args, io.cwd), io.cwd, false);
    const split = Array.from({ length: shards }, (_, i) =>
      takeShard(cells, { index: i + 1, count: shards }),
    );
    if (format === "github") {
      // `index` names per-shard things that may not hold a "/" (artifact names, run ids).
      const include = split.map((part, i) => ({
        shard: `${i + 1}/${shards}`,
        index: i + 1,
        cells: part.length,
      }));
      io.stdout.write(`${JSON.stringify({ include })}\n`);
      return 0;
    }
    // Matrix order, each cell with its shard: what an unsharded run (and a merge) lists.
    const shardOf = new Map(split.flatMap((part, i) => part.map((cell) => [cell, i + 1] as const)));
    const rows = cells.map((cell) => ({
      id: cell.id,
      case: cell.testCase.name,
      summary: cell.testCase.summary,
      kind: cell.testCase.kind,
      platform: cell.platform,
      arch: cell.arch,
      kernel: cell.kernel,
      repeat: cell.repeatIndex,
      shard: `${shardOf.get(cell) ?? 1}/${shards}`,
      ...(cell.skipReason ? { skip: cell.skipReason } : {}),
    }));
    io.stdout.write(`${JSON.stringify({ shards, cells: rows }, null, 2)}\n`);
    return 0;
  },
};
