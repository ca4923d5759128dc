// harness run: build, boot, drive and record every selected cell.
import { executeRun } from "../run/run.ts";
import type { Command } from "../util/command.ts";
import { CASES_FLAG, LABELS_FLAG } from "./common-flags.ts";
import { MATRIX_FLAGS } from "./matrix-request.ts";
import { planRun } from "./run-plan.ts";
import { PLATFORM_FLAGS, withConfiguredPlatforms } from "./platform-settings.ts";
import { PRESET_FLAGS, presetParts, withPreset } from "./preset-flags.ts";
import { progressKind, progressRenderer } from "../report/progress/choose.ts";
import { githubAnnotations } from "../report/annotations.ts";

/** `harness run [PATTERN..] --platform P …`. */
export const runCommand: Command = {
  name: "run",
  summary: "Run test cases on a platform and record the results under logs/<run-id>/",
  usage:
    "harness run [PATTERN..] (--platform P | --preset NAME) [--arch A..] [--kernel K..] [-l LABELS] [--parallel N] [--shard I/N] [--retries N] [--run-id ID] [platform flags] [--quiet | --verbose | --json]",
  flags: [
    CASES_FLAG,
    LABELS_FLAG,
    ...MATRIX_FLAGS,
    ...PRESET_FLAGS,
    ...PLATFORM_FLAGS,
    {
      name: "parallel",
      short: "j",
      type: "string",
      valueName: "N",
      description: "cells at once (default: number of cores)",
    },
    {
      name: "shard",
      type: "string",
      valueName: "I/N",
      description: "run only shard I of N (applied after filtering)",
    },
    {
      name: "retries",
      type: "string",
      valueName: "N",
      description: "retry cells that end in error or timeout up to N times (default 0)",
    },
    {
      name: "retry-budget",
      type: "string",
      valueName: "DURATION",
      description: "total time retries may take (default 30m)",
    },
    {
      name: "timeout",
      type: "string",
      valueName: "DURATION",
      description: "deadline per cell, overriding the cases' (e.g. 90s, 10m)",
    },
    {
      name: "run-id",
      type: "string",
      valueName: "ID",
      description: "name of the run folder (default: time-based)",
    },
    {
      name: "logs",
      type: "string",
      valueName: "DIR",
      description: "where run folders go (default: logs/)",
    },
    {
      name: "quiet",
      short: "q",
      type: "boolean",
      description: "print only failing cells and the totals",
    },
    {
      name: "verbose",
      short: "v",
      type: "boolean",
      description: "also follow each running cell's console, one cell at a time",
    },
    {
      name: "json",
      type: "boolean",
      description: "print a stream of JSON events, one per line, for other tools",
    },
  ],
  async run(given, io) {
    const args = await withPreset(given, io.cwd);
    const tty = io.stdout as Partial<Pick<NodeJS.WriteStream, "isTTY" | "columns">>;
    const choice = {
      quiet: args.bool("quiet"),
      verbose: args.bool("verbose"),
      json: args.bool("json"),
      isTTY: tty.isTTY === true,
      ...(tty.columns === undefined ? {} : { columns: tty.columns }),
      env: io.env,
    };
    const kind = progressKind(choice);
    const parts = await presetParts(given, args, io.cwd);
    const plan = await withConfiguredPlatforms(
      await planRun(args, io.cwd, io.argv, parts),
      args,
      io,
    );
    // An empty selection is bad input (see planRun); an empty shard of a good one is recorded as run.
    if (plan.cells.length === 0) {
      const shard = plan.inputs.shard;
      io.stderr.write(`harness: no cells to run${shard ? ` in shard ${shard}` : ""}\n`);
    }
    const progress = progressRenderer(kind, io.stdout, choice);
    const { record } = await executeRun(plan, { stdout: io.stdout, signal: io.signal, progress });
    if (io.env.GITHUB_ACTIONS === "true") {
      // The Actions runner reads workflow commands from stderr too; stdout keeps the totals line last.
      for (const line of await githubAnnotations(record, io.env.GITHUB_WORKSPACE ?? io.cwd))
        io.stderr.write(`${line}\n`);
    }
    return record.exitCode;
  },
};
