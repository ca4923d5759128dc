// harness compare: a run set against earlier runs per cell (one baseline, several, a logs folder or
// the logs repository); exit 1 when something regressed.
import { resolve } from "node:path";
import { EXIT } from "../errors.ts";
import { compareWithHistory } from "../results/compare.ts";
import { comparisonJson, comparisonMarkdown } from "../results/compare-report.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import type { Command } from "../util/command.ts";
import { compareInputs, HISTORY_FLAGS } from "./compare-sources.ts";

/** `harness compare BASELINE.. CURRENT | --history DIR CURRENT | --logs-repo URL CURRENT`. */
export const compareCommand: Command = {
  name: "compare",
  summary:
    "Compare a run with earlier runs: regressions (also of single tests), fixes, flakes, what changed since each cell last passed",
  usage:
    "harness compare BASELINE_RUN_DIR.. CURRENT_RUN_DIR | --history LOGS_DIR CURRENT_RUN_DIR | --logs-repo URL [--match GLOB] CURRENT_RUN_DIR [--window N] [--json FILE] [--markdown FILE]",
  flags: [
    ...HISTORY_FLAGS,
    {
      name: "json",
      type: "string",
      valueName: "FILE",
      description: "also write the comparison as JSON (- for stdout instead of Markdown)",
    },
    {
      name: "markdown",
      type: "string",
      valueName: "FILE",
      description: "also write the Markdown (e.g. for a GitHub job summary)",
    },
  ],
  async run(args, io) {
    const inputs = await compareInputs(args, io);
    if (inputs.earlier.length === 0) {
      // The first nightly has nothing to compare with; that is not an error.
      io.stdout.write(`no earlier complete run in ${inputs.source}; nothing to compare\n`);
      return EXIT.ok;
    }
    const comparison = compareWithHistory(inputs.earlier, inputs.current, inputs.window);
    const json = `${JSON.stringify(comparisonJson(comparison), null, 2)}\n`;
    const markdown = comparisonMarkdown(comparison);
    const jsonFile = args.string("json");
    const markdownFile = args.string("markdown");
    if (jsonFile !== undefined && jsonFile !== "-")
      await writeFileAtomic(resolve(io.cwd, jsonFile), json);
    if (markdownFile !== undefined) await writeFileAtomic(resolve(io.cwd, markdownFile), markdown);
    io.stdout.write(jsonFile === "-" ? json : markdown);
    return comparison.regressions.length > 0 ? EXIT.testFailed : EXIT.ok;
  },
};
