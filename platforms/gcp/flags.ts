// --gcp-project, --gcp-zone, --gcp-bucket, --gcp-machine-type, --keep-image: where `--platform gcp`
// runs (and what `harness gcp gc` cleans), over harness.yml's `gcp:` and LinuxKit's CLOUDSDK_* names.
import type { FlagSpec, ParsedArgs } from "../../harness/util/args.ts";
import type { ConfigSection } from "../types.ts";
import schema from "./config.schema.json" with { type: "json" };
import type { GcpConfig } from "./settings.ts";

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

/** harness.yml's `gcp:` section. */
export const GCP_SECTION: ConfigSection = { key: "gcp", schema };

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
