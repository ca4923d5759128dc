// Each platform's own part of `harness run`: the flags it adds and, for each platform the run uses,
// a platform of the run's own made by its configure() from those flags and its harness.yml section.
import { loadConfig, type HarnessConfig } from "../config/load.ts";
import { inputError } from "../errors.ts";
import type { RunPlan } from "../run/run.ts";
import type { FlagSpec, ParsedArgs } from "../util/args.ts";
import type { Command, CommandIo } from "../util/command.ts";
import { PLATFORMS } from "../../platforms/index.ts";

/** The flags every platform adds to `harness run`, in the registry's order. */
export const PLATFORM_FLAGS: readonly FlagSpec[] = PLATFORMS.flatMap(
  (p) => p.settings?.flags ?? [],
);

/** The subcommands platforms bring (e.g. `harness gcp gc`), each reading its own section. */
export const PLATFORM_COMMANDS: readonly Command[] = PLATFORMS.flatMap(
  (p) =>
    p.commands?.(async (cwd, file) => {
      const key = p.settings?.section?.key;
      return key === undefined ? undefined : (await loadConfig(cwd, file)).sections[key];
    }) ?? [],
);

/**
 * The plan with a platform of its own for every platform it uses that has settings; a platform's
 * flags without that platform in the run are bad input.
 */
export async function withConfiguredPlatforms(
  plan: RunPlan,
  args: ParsedArgs,
  io: Pick<CommandIo, "cwd" | "env" | "stderr">,
): Promise<RunPlan> {
  let configured = plan;
  let config: HarnessConfig | undefined;
  for (const platform of PLATFORMS) {
    const settings = platform.settings;
    if (!settings) continue;
    if (!plan.inputs.platforms.includes(platform.name)) {
      const given = settings.flags.filter((f) => args.has(f.name)).map((f) => `--${f.name}`);
      if (given.length > 0)
        throw inputError(
          "EFLAG",
          `${given[0]} is for --platform ${platform.name}, which this run does not use`,
          { hint: `add --platform ${platform.name}, or drop ${given.join(", ")}` },
        );
      continue;
    }
    config ??= await loadConfig(io.cwd, args.string("config"));
    const key = settings.section?.key;
    const made = await settings.configure({
      args,
      section: key === undefined ? undefined : config.sections[key],
      ...(config.file ? { configFile: config.file } : {}),
      cwd: io.cwd,
      env: io.env,
      stderr: io.stderr,
      runId: plan.runId,
      parallel: { value: configured.parallel, given: args.has("parallel") },
    });
    const parallel = made.parallel ?? configured.parallel;
    configured = {
      ...configured,
      parallel,
      inputs: { ...configured.inputs, parallel },
      platforms: [...(configured.platforms ?? []), made.platform],
      reproduceArgs: [...configured.reproduceArgs, ...(made.reproduceArgs ?? [])],
    };
  }
  return configured;
}
