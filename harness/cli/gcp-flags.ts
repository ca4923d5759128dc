// --gcp-project, --gcp-zone, --gcp-bucket, --gcp-machine-type, --keep-image: where `--platform gcp`
// runs, over harness.yml's `gcp:` and LinuxKit's CLOUDSDK_* names; the run gets its own platform.
import { loadConfig } from "../config/load.ts";
import { inputError } from "../errors.ts";
import type { RunPlan } from "../run/run.ts";
import {
  createGcpPlatform,
  resolveGcpSettings,
  type GcpConfig,
} from "../../platforms/gcp/index.ts";
import type { FlagSpec, ParsedArgs } from "./args.ts";

/** The flags that say where GCP cells run. */
export const GCP_FLAGS: readonly FlagSpec[] = [
  {
    name: "gcp-project",
    type: "string",
    valueName: "ID",
    description: "GCP project (env CLOUDSDK_CORE_PROJECT)",
  },
  {
    name: "gcp-zone",
    type: "string",
    valueName: "ZONE",
    description: "GCP zone (env CLOUDSDK_COMPUTE_ZONE)",
  },
  {
    name: "gcp-bucket",
    type: "string",
    valueName: "NAME",
    description: "bucket for image uploads (env CLOUDSDK_IMAGE_BUCKET)",
  },
  {
    name: "gcp-machine-type",
    type: "string",
    valueName: "TYPE",
    description: "instance machine type (default e2-small)",
  },
  {
    name: "keep-image",
    type: "boolean",
    description: "keep the GCP images this run uploads (reused next time)",
  },
];

/** The GCP settings the flags give, without the config file or environment. */
export function gcpFlagSettings(args: ParsedArgs): GcpConfig {
  const flags: GcpConfig = {};
  const project = args.string("gcp-project");
  const zone = args.string("gcp-zone");
  const bucket = args.string("gcp-bucket");
  const machineType = args.string("gcp-machine-type");
  if (project) flags.project = project;
  if (zone) flags.zone = zone;
  if (bucket) flags.bucket = bucket;
  if (machineType) flags.machineType = machineType;
  if (args.bool("keep-image")) flags.keepImage = true;
  return flags;
}

/** The plan with a GCP platform of its own when it runs cells on `gcp`. */
export async function withGcpPlatform(
  plan: RunPlan,
  args: ParsedArgs,
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<RunPlan> {
  const flags = gcpFlagSettings(args);
  if (!plan.inputs.platforms.includes("gcp")) {
    const given = GCP_FLAGS.map((f) => f.name).filter((name) => args.has(name));
    if (given.length > 0)
      throw inputError(
        "EFLAG",
        `--${given[0]} is for --platform gcp, which this run does not use`,
        {
          hint: "add --platform gcp, or drop the --gcp-* flags",
        },
      );
    return plan;
  }
  const config = await loadConfig(cwd, args.string("config"));
  const settings = resolveGcpSettings(flags, config.gcp ?? {}, env);
  return {
    ...plan,
    platforms: [...(plan.platforms ?? []), createGcpPlatform(settings, { runId: plan.runId })],
  };
}
