// harness bisect: the first kernel, of an ordered list, on which the selected cells fail. Each step
// is a real harness run of those cells on one kernel, repeated so a flaky failure shows.
import { resolve } from "node:path";
import { EXIT, inputError } from "../errors.ts";
import { bisectKernels, type KernelVerdict } from "../results/bisect.ts";
import { newRunId } from "../run/run-dir.ts";
import type { ParsedArgs } from "../util/args.ts";
import { judgeKernel } from "./bisect-judge.ts";
import { seriesKernels } from "./bisect-series.ts";
import type { Command } from "../util/command.ts";
import { PLATFORMS } from "../../platforms/index.ts";
import { CASES_FLAG, LABELS_FLAG } from "./common-flags.ts";

/** `harness bisect [PATTERN..] --platform P (--kernel OLDEST,..,NEWEST | --series NAME) [--repeat N]`. */
export const bisectCommand: Command = {
  name: "bisect",
  summary: "Find the first kernel of an ordered list on which the selected cells fail",
  usage:
    "harness bisect [PATTERN..] --platform P (--kernel K1,K2,..,KN (oldest first) | --series NAME) [--arch A] [--repeat N] [-l LABELS] [--logs DIR]",
  flags: [
    CASES_FLAG,
    LABELS_FLAG,
    {
      name: "platform",
      short: "p",
      type: "string",
      valueName: "P",
      description: "the platform to run on",
    },
    {
      name: "arch",
      type: "string",
      valueName: "A",
      description: "the guest architecture (default: the host's)",
    },
    {
      name: "kernel",
      type: "list",
      valueName: "K",
      description:
        "the kernels to search, oldest first: catalogue names, NAME@VERSION pins or file:PATH",
    },
    {
      name: "series",
      type: "string",
      valueName: "NAME",
      description: "instead of --kernel: every version the catalogue kernel NAME can be pinned to",
    },
    {
      name: "repeat",
      type: "integer",
      valueName: "N",
      description: "runs of each cell per kernel; any failing one makes the kernel bad (default 3)",
    },
    {
      name: "retries",
      type: "string",
      valueName: "N",
      description: "retries for errors and timeouts, as in harness run",
    },
    {
      name: "timeout",
      type: "string",
      valueName: "DURATION",
      description: "deadline per cell, as in harness run",
    },
    {
      name: "parallel",
      short: "j",
      type: "string",
      valueName: "N",
      description: "cells at once, as in harness run",
    },
    {
      name: "logs",
      type: "string",
      valueName: "DIR",
      description: "where the steps' run folders go (default: logs/)",
    },
  ],
  async run(args, io) {
    const series = args.string("series");
    if (series !== undefined && args.list("kernel").length > 0) {
      throw inputError("EUSAGE", "harness bisect takes --kernel or --series, not both", {
        hint: "e.g. --series debian-6.12-cloud, or --kernel debian-6.1,debian-6.12",
      });
    }
    const kernels =
      series === undefined ? args.list("kernel") : await seriesKernels(series, io.env);
    if (kernels.length < 2 || new Set(kernels).size !== kernels.length) {
      throw inputError(
        "EUSAGE",
        `harness bisect needs at least two different kernels, oldest first; got ${JSON.stringify(kernels)}${series === undefined ? "" : ` from --series ${series}`}`,
        { hint: "e.g. --kernel debian-6.1,debian-6.12,debian-trixie (see harness kernels)" },
      );
    }
    if (args.string("platform") === undefined) {
      throw inputError("EUSAGE", "harness bisect needs --platform", {
        hint: `e.g. --platform ${PLATFORMS[0]?.name ?? ""} (valid: ${PLATFORMS.map((p) => p.name).join(", ")})`,
      });
    }
    const repeat = args.integer("repeat", 1, 100) ?? 3;
    const setup = {
      runArgv: runArgv(args, repeat),
      logsDir: resolve(io.cwd, args.string("logs") ?? "logs"),
      bisectId: `bisect-${newRunId()}`,
    };
    let step = 0;
    const result = await bisectKernels(kernels, async (kernel) => {
      const verdict = await judgeKernel(kernel, ++step, setup, io);
      io.stdout.write(`${verdict.bad ? "bad " : "good"}  ${kernel}: ${verdict.summary}\n`);
      return verdict;
    });
    if (!result.firstBad) {
      io.stdout.write(
        `no kernel fails: the newest, ${kernels[kernels.length - 1]}, passed ${repeat === 1 ? "its run" : `all ${repeat} runs`}\n`,
      );
      return EXIT.ok;
    }
    io.stdout.write(firstBadText(result.firstBad, result.lastGood, kernels));
    return EXIT.testFailed;
  },
};

function firstBadText(
  bad: KernelVerdict,
  good: KernelVerdict | undefined,
  kernels: readonly string[],
): string {
  const lines = [
    good
      ? `first bad kernel: ${bad.kernel} (the one before it, ${good.kernel}, passes)`
      : `first bad kernel: ${bad.kernel}, the oldest of the ${kernels.length} given: nothing older to compare with`,
    `  ${bad.summary}`,
    `  log: ${bad.log ?? bad.runDir ?? ""}`,
    ...(bad.logTail ?? []).map((line) => `  | ${line}`),
  ];
  return `${lines.join("\n")}\n`;
}

// harness run's flags for every step: what was given here, the kernel and run folder left out.
function runArgv(args: ParsedArgs, repeat: number): string[] {
  const argv = [...args.positionals, "--platform", args.string("platform") as string];
  argv.push("--repeat", String(repeat), "--quiet");
  for (const name of ["cases", "labels", "arch", "retries", "timeout", "parallel"]) {
    const value = args.string(name);
    if (value !== undefined) argv.push(`--${name}`, value);
  }
  return argv;
}
