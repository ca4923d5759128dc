// harness gcp gc: delete what crashed runs left on Compute Engine (labelled harness=true).
import { inputError } from "../../harness/errors.ts";
import { parseDurationMs } from "../../harness/util/duration.ts";
import type { Command } from "../../harness/util/command.ts";
import type { SectionReader } from "../types.ts";
import { GCP_FLAGS, gcpFlagSettings } from "./flags.ts";
import { resolveGcpSettings, type GcpConfig } from "./settings.ts";

/** `harness gcp gc [--older-than AGE] [--dry-run]`, reading harness.yml's gcp: through `readSection`. */
export const gcpCommand = (readSection: SectionReader): Command => ({
  name: "gcp",
  summary: "Delete harness instances and images older than an age from Compute Engine",
  usage: "harness gcp gc [--older-than AGE] [--dry-run] [--gcp-project ID] [--gcp-zone ZONE]",
  flags: [
    ...GCP_FLAGS.filter((f) => f.name !== "keep-image"),
    {
      name: "older-than",
      type: "string",
      valueName: "AGE",
      description: "only what was created this long ago or earlier (default 6h; 0s for everything)",
    },
    { name: "dry-run", type: "boolean", description: "list what would be deleted, delete nothing" },
    {
      name: "config",
      type: "string",
      valueName: "FILE",
      description: "harness.yml to read gcp: from",
    },
  ],
  async run(args, io) {
    const [action, ...rest] = args.positionals;
    if (action !== "gc" || rest.length > 0)
      throw inputError(
        "EUSAGE",
        `unknown gcp action ${JSON.stringify(args.positionals.join(" "))}`,
        {
          hint: "use harness gcp gc [--older-than 6h] [--dry-run]",
        },
      );
    const age = args.string("older-than") ?? "6h";
    const olderThanMs = parseDurationMs(age);
    if (olderThanMs === undefined)
      throw inputError("EFLAG", `--older-than ${JSON.stringify(age)} is not a duration`, {
        hint: "e.g. --older-than 6h, 90m or 0s",
      });
    const section = (await readSection(io.cwd, args.string("config"))) as GcpConfig | undefined;
    const settings = resolveGcpSettings(
      { ...gcpFlagSettings(args), bucket: "unused-by-gc" },
      section ?? {},
      io.env,
    );
    const { loadSdkApi } = await import("./load-sdk.ts");
    const { collectGarbage } = await import("./gc.ts");
    const dryRun = args.bool("dry-run");
    const report = await collectGarbage(await loadSdkApi(settings), { olderThanMs, dryRun });
    const verb = dryRun ? "would delete" : "deleted";
    for (const name of report.instances) io.stdout.write(`${verb} instance ${name}\n`);
    for (const name of report.images) io.stdout.write(`${verb} image ${name}\n`);
    io.stdout.write(
      `${report.instances.length} instances and ${report.images.length} images ${dryRun ? "would be deleted" : "deleted"} (project ${settings.project}, zone ${settings.zone})\n`,
    );
    return 0;
  },
});
