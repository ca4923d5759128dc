// harness validate: check case files and image YAML without building anything; exit 0 or 2.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { discoverCases } from "../cases/discover.ts";
import { readCaseFile } from "../cases/case-file.ts";
import { validateImageFiles } from "../builder/yaml/load.ts";
import { caseImageProblems } from "../cases/validate-selection.ts";
import { HarnessErrors, inputError, type HarnessError } from "../errors.ts";
import type { Command } from "../util/command.ts";
import { CASES_FLAG } from "./common-flags.ts";

/** `harness validate [FILE|DIR..]`. */
export const validateCommand: Command = {
  name: "validate",
  summary: "Check case.yml files, script headers and image YAML without building",
  usage: "harness validate [FILE.yml|CASES_DIR..] [--cases DIR]",
  flags: [CASES_FLAG],
  async run(args, io) {
    const targets =
      args.positionals.length > 0 ? args.positionals : [args.string("cases") ?? "cases"];
    const errors: HarnessError[] = [];
    let checked = 0;
    for (const target of targets) {
      const path = resolve(io.cwd, target);
      const info = await stat(path).catch(() => undefined);
      if (!info) {
        errors.push(inputError("ENOTFOUND", `no such file or folder: ${target}`));
      } else if (info.isDirectory()) {
        const discovery = await discoverCases(path);
        errors.push(...discovery.errors);
        checked += discovery.cases.length;
        // The same checks `harness run` makes of the cases it selects.
        errors.push(...(await caseImageProblems(discovery.cases)));
      } else {
        checked++;
        errors.push(
          ...(path.endsWith("case.yml")
            ? (await readCaseFile(path)).errors
            : await validateImageFiles([path])),
        );
      }
    }
    if (errors.length === 1 && errors[0]) throw errors[0];
    if (errors.length > 1) throw new HarnessErrors(errors);
    io.stdout.write(`${checked} ${checked === 1 ? "file" : "files and cases"} valid\n`);
    return 0;
  },
};
