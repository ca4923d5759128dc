// harness compare: a run set against a baseline run per cell; exit 1 when something regressed.
import { resolve } from "node:path";
import { EXIT, inputError } from "../errors.ts";
import { compareRuns } from "../results/compare.ts";
import { comparisonJson, comparisonMarkdown } from "../results/compare-report.ts";
import { readRunRecord } from "../report/report.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import type { Command } from "./command.ts";

/** `harness compare BASELINE CURRENT [--json FILE] [--markdown FILE]`. */
export const compareCommand: Command = {
  name: "compare",
  summary: "Compare a run with a baseline run: regressions, fixes, flakes, new and vanished cells",
  usage: "harness compare BASELINE_RUN_DIR CURRENT_RUN_DIR [--json FILE] [--markdown FILE]",
  flags: [
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
    if (args.positionals.length !== 2) {
      throw inputError(
        "EUSAGE",
        `harness compare takes two run folders, got ${args.positionals.length}`,
        { hint: "e.g. harness compare logs/<yesterday> logs/latest" },
      );
    }
    const [baselineDir, currentDir] = args.positionals.map((p) => resolve(io.cwd, p)) as [
      string,
      string,
    ];
    const baseline = await readRunRecord(baselineDir, "BASELINE");
    const current = await readRunRecord(currentDir, "CURRENT");
    const comparison = compareRuns(baseline, current);
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
