// The ordered list of subcommands.
import type { Command } from "../util/command.ts";
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
import { mergeCommand } from "./merge.ts";
import { compareCommand } from "./compare.ts";
import { bisectCommand } from "./bisect.ts";
import { confirmCommand } from "./confirm.ts";
import { fetchRunCommand } from "./fetch-run.ts";
import { issuesCommand } from "./issues.ts";
import { PLATFORM_COMMANDS } from "./platform-settings.ts";
import { setupCommand } from "./setup.ts";

/** Every subcommand, in the order `harness --help` shows them. */
export const COMMANDS: readonly Command[] = [
  setupCommand,
  doctorCommand,
  listCommand,
  kernelsCommand,
  validateCommand,
  buildCommand,
  pkgCommand,
  runCommand,
  reportCommand,
  matrixCommand,
  mergeCommand,
  compareCommand,
  bisectCommand,
  confirmCommand,
  publishCommand,
  fetchRunCommand,
  issuesCommand,
  ...PLATFORM_COMMANDS,
];
