// --preset NAME and --config FILE: a preset from harness.yml fills in the run flags not given,
// and its `also:` entries add more parts to the run (other kernels with their own cases).
import { loadConfig, findPreset } from "../config/load.ts";
import type { FlagSpec, ParsedArgs } from "../util/args.ts";

/** The flags that choose a preset. */
export const PRESET_FLAGS: readonly FlagSpec[] = [
  {
    name: "preset",
    type: "string",
    valueName: "NAME",
    description: "flags from a preset in harness.yml (pr, nightly, …); given flags win",
  },
  {
    name: "config",
    type: "string",
    valueName: "FILE",
    description: "the harness config file (default: harness.yml)",
  },
];

/** The args with the chosen preset's values filled in; unchanged without --preset. */
export async function withPreset(args: ParsedArgs, cwd: string): Promise<ParsedArgs> {
  const name = args.string("preset");
  if (name === undefined) return args;
  const config = await loadConfig(cwd, args.string("config"));
  const preset = findPreset(config, name);
  return args.withDefaults(
    {
      platform: preset.platforms,
      arch: preset.arches,
      kernel: preset.kernels,
      labels: preset.labels,
      exclude: preset.exclude,
      parallel: preset.parallel === undefined ? undefined : String(preset.parallel),
      retries: preset.retries === undefined ? undefined : String(preset.retries),
      timeout: preset.timeout,
    },
    preset.patterns ?? [],
  );
}

/**
 * The parts of a run: its own flags, then one per `also:` entry of its preset (that entry's kernels,
 * patterns, labels and excludes over the same platforms and arches). A command line that names
 * kernels or patterns asks for exactly those, so it gets no extra parts.
 */
export async function presetParts(
  given: ParsedArgs,
  args: ParsedArgs,
  cwd: string,
): Promise<ParsedArgs[]> {
  const name = given.string("preset");
  if (name === undefined || given.has("kernel") || given.positionals.length > 0) return [args];
  const preset = findPreset(await loadConfig(cwd, given.string("config")), name);
  return [
    args,
    ...(preset.also ?? []).map((part) =>
      args.withValues(
        {
          kernel: part.kernels,
          labels: given.string("labels") ?? part.labels ?? args.string("labels"),
          exclude: [...given.list("exclude"), ...(part.exclude ?? [])],
        },
        part.patterns ?? [],
      ),
    ),
  ];
}
