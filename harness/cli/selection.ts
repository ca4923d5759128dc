// Discovers the cases a command works on and selects them by pattern and labels; input errors all at once.
import { resolve } from "node:path";
import { discoverCases } from "../cases/discover.ts";
import { hostInfo, hostLabels, type HostInfo } from "../util/host-labels.ts";
import { mergeLabels, parseLabels, type LabelSet } from "../cases/labels.ts";
import { selectCases, type Selection } from "../cases/select.ts";
import { throwAll } from "../errors.ts";
import { globProblems, isGlob } from "../util/glob.ts";
import type { ParsedArgs } from "../util/args.ts";

/** The cases root, the active labels, and every case marked selected or not. */
export interface CaseSelection {
  casesRoot: string;
  host: HostInfo;
  activeLabels: LabelSet;
  selections: Selection[];
}

/** Loads and selects cases from --cases (default cases/ under cwd), patterns and -l. */
export async function loadSelection(args: ParsedArgs, cwd: string): Promise<CaseSelection> {
  const labelExpression = args.string("labels") ?? "";
  const requested = parseLabels(labelExpression, "-l");
  const host = hostInfo();
  const activeLabels = mergeLabels(requested, { set: new Set(hostLabels(host)), unset: new Set() });
  const discovery = await discoverCases(resolve(cwd, args.string("cases") ?? "cases"));
  throwAll([
    ...discovery.errors,
    ...globProblems(args.positionals.filter(isGlob), "the case patterns"),
  ]);
  return {
    casesRoot: discovery.root,
    host,
    activeLabels,
    selections: selectCases(discovery.cases, args.positionals, activeLabels),
  };
}
