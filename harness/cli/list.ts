// harness list: the cases a run would take, named as rtf names them.
import { formatLabels, labelList } from "../cases/labels.ts";
import type { Command } from "../util/command.ts";
import { CASES_FLAG, LABELS_FLAG } from "./common-flags.ts";
import { loadSelection } from "./selection.ts";

/** `harness list [PATTERN..] [-l LABELS] [--json] [--all]`. */
export const listCommand: Command = {
  name: "list",
  summary: "List test cases (those the labels leave out are shown with --all)",
  usage: "harness list [PATTERN..] [-l LABELS] [--cases DIR] [--json] [--all]",
  flags: [
    CASES_FLAG,
    LABELS_FLAG,
    { name: "json", type: "boolean", description: "print JSON: name, summary, labels, state" },
    {
      name: "all",
      type: "boolean",
      description: "also list cases the patterns or labels leave out",
    },
  ],
  async run(args, io) {
    const { selections } = await loadSelection(args, io.cwd);
    const shown = selections.filter((s) => s.selected || args.bool("all"));
    if (args.bool("json")) {
      const rows = shown.map((s) => ({
        name: s.testCase.name,
        summary: s.testCase.summary,
        labels: labelList(s.testCase.labels),
        state: s.selected ? "run" : "skip",
        kind: s.testCase.kind,
        path: s.testCase.dir,
      }));
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    const width = Math.max(4, ...shown.map((s) => s.testCase.name.length));
    io.stdout.write(`${"STATE".padEnd(6)}${"NAME".padEnd(width + 2)}LABELS\n`);
    for (const s of shown) {
      io.stdout.write(
        `${(s.selected ? "RUN" : "SKIP").padEnd(6)}${s.testCase.name.padEnd(width + 2)}${formatLabels(s.testCase.labels)}\n`,
      );
    }
    return 0;
  },
};
