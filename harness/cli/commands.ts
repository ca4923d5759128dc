// The ordered list of subcommands.
import type { Command } from "./command.ts";
import { doctorCommand } from "./doctor.ts";
import { listCommand } from "./list.ts";
import { runCommand } from "./run.ts";
import { matrixCommand } from "./matrix.ts";
import { validateCommand } from "./validate.ts";
import { kernelsCommand } from "./kernels.ts";
import { buildCommand } from "./build.ts";
import { pkgCommand } from "./pkg.ts";
import { publishCommand } from "./publish.ts";
import { reportCommand } from "./report.ts";

/** Every subcommand, in the order `harness --help` shows them. */
export const COMMANDS: readonly Command[] = [
  doctorCommand,
  listCommand,
  kernelsCommand,
  validateCommand,
  buildCommand,
  pkgCommand,
  runCommand,
  reportCommand,
  matrixCommand,
  publishCommand,
];
