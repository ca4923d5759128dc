// The one-line command that runs a single cell again, printed for every failure.
import type { Cell } from "../matrix/cells.ts";

/** Quotes an argument for a POSIX shell only when it needs it. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** "npx harness run NAME --platform P --arch A --kernel K" plus the run's case-folder flags. */
export function reproduceCommand(cell: Cell, extraArgs: readonly string[]): string {
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
    cell.kernel,
    ...extraArgs,
  ];
  return args.map(shellQuote).join(" ");
}
