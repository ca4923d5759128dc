// The bad-input error of a run whose selection matches no cell: what was asked for, where the
// cells were lost (patterns and labels, the cases' own platforms/arches/kernels, or the globs),
// and the command that shows the selection.
import { inputError, type HarnessError } from "../errors.ts";
import { expandMatrix, type MatrixRequest } from "../matrix/expand.ts";
import { DEFAULT_KERNEL } from "../builder/kernels/names.ts";
import type { ParsedArgs } from "../util/args.ts";
import type { CaseSelection } from "./selection.ts";

/** Why `args` select no cell from `selection` under `request`, as exit code 2. */
export function noCellsError(
  args: ParsedArgs,
  selection: CaseSelection,
  request: MatrixRequest,
): HarnessError {
  return inputError(
    "ENOCELLS",
    `no cells to run for ${asked(args, request)}: ${lost(selection, request)}`,
    {
      hint: `see what the patterns and labels take with: ${harnessCommand("list", args, ["--all"])}, and their cells with: ${harnessCommand("matrix", args, matrixFlags(request))}`,
    },
  );
}

function asked(args: ParsedArgs, request: MatrixRequest): string {
  const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(", ");
  const labels = args.string("labels");
  return [
    args.positionals.length > 0 ? `patterns ${quoted(args.positionals)}` : "every case",
    ...(labels ? [`labels ${JSON.stringify(labels)}`] : []),
    `platform ${request.platforms.map((p) => p.name).join(", ")}`,
    `arch ${request.arches.join(", ")}`,
    `kernel ${request.kernels?.join(", ") ?? `${DEFAULT_KERNEL} (the default)`}`,
    ...(request.include?.length ? [`include ${quoted(request.include)}`] : []),
    ...(request.exclude?.length ? [`exclude ${quoted(request.exclude)}`] : []),
  ].join(", ");
}

function lost(selection: CaseSelection, request: MatrixRequest): string {
  const found = selection.selections.length;
  const taken = selection.selections.filter((s) => s.selected).map((s) => s.testCase);
  if (found === 0) return `no cases found under ${selection.casesRoot}`;
  if (taken.length === 0) {
    return `no case matches the patterns and labels (${count(found, "case")} under ${selection.casesRoot})`;
  }
  const unfiltered = expandMatrix(taken, { ...request, include: [], exclude: [] }).length;
  const matches = `${count(taken.length, "case")} ${taken.length === 1 ? "matches" : "match"} the patterns and labels`;
  if (unfiltered === 0) {
    const has = taken.length === 1 ? "has" : "have";
    return `${matches} but ${has} no cell on this platform, arch and kernel (see platforms:, arches: and kernels: in case.yml)`;
  }
  const cells = unfiltered === 1 ? "their only cell" : `all ${count(unfiltered, "cell")}`;
  return `${matches}, and --include/--exclude drop ${cells}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

// A harness command line for the same patterns, labels and cases folder.
function harnessCommand(command: string, args: ParsedArgs, extra: readonly string[]): string {
  const cases = args.string("cases");
  const labels = args.string("labels");
  return [
    "harness",
    command,
    ...args.positionals,
    ...(labels ? ["-l", labels] : []),
    ...(cases ? ["--cases", cases] : []),
    ...extra,
  ]
    .map(shellWord)
    .join(" ");
}

// The matrix flags of the run, without --include/--exclude, so every cell they dropped shows.
function matrixFlags(request: MatrixRequest): string[] {
  return [
    ...["--platform", request.platforms.map((p) => p.name).join(",")],
    ...["--arch", request.arches.join(",")],
    ...(request.kernels ? ["--kernel", request.kernels.join(",")] : []),
  ];
}

function shellWord(text: string): string {
  return /^[\w.,:/=+@%-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
