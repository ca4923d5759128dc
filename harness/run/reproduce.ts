// The one-line command that runs a single cell again, printed for every failure; a Debian kernel is
// pinned to the exact version the cell booted, so the rerun meets the same kernel after an update.
import type { Cell } from "../matrix/cells.ts";
import { parseKernelRef } from "../builder/kernels/names.ts";
import { shellQuote } from "../util/shell-quote.ts";

/** "npx harness run NAME --platform P --arch A --kernel K[@VERSION]" plus the run's case-folder flags. */
export function reproduceCommand(
  cell: Cell,
  extraArgs: readonly string[],
  kernelVersion?: string,
): string {
  const args = [
    "npx",
    "harness",
    "run",
    cell.testCase.name,
    "--platform",
    cell.platform,
    "--arch",
    cell.arch,
    "--kernel",
    kernelArg(cell, kernelVersion),
    ...extraArgs,
  ];
  return args.map(shellQuote).join(" ");
}

/** The --kernel value that names what the cell booted: its spec, pinned when it is a catalogue name. */
export function kernelArg(
  cell: Pick<Cell, "kernel" | "kernelSpec">,
  kernelVersion?: string,
): string {
  const spec = cell.kernelSpec ?? cell.kernel;
  const ref = parseKernelRef(spec);
  return kernelVersion && ref.kind === "debian" && ref.pin === undefined
    ? `${spec}@${kernelVersion}`
    : spec;
}
