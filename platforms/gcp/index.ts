// The GCP platform as the registry lists it: its flags, its harness.yml section, a platform of its
// own for each run that uses it, and `harness gcp gc`.
import type { Platform } from "../types.ts";
import { gcpCommand } from "./command.ts";
import { GCP_FLAGS, GCP_SECTION, gcpFlagSettings } from "./flags.ts";
import { createGcpPlatform, gcpPlatform as entry } from "./platform.ts";
import { resolveGcpSettings, type GcpConfig } from "./settings.ts";

export { createGcpPlatform } from "./platform.ts";
export { resolveGcpSettings, type GcpSettings, type GcpConfig } from "./settings.ts";

/** The registry's entry: configured from the environment until a run configures its own. */
export const gcpPlatform: Platform = {
  ...entry,
  settings: {
    flags: GCP_FLAGS,
    section: GCP_SECTION,
    configure(request) {
      const flags = gcpFlagSettings(request.args);
      const section = (request.section as GcpConfig | undefined) ?? {};
      const settings = resolveGcpSettings(flags, section, request.env);
      return Promise.resolve({
        platform: createGcpPlatform(settings, { runId: request.runId }),
      });
    },
  },
  commands: (readSection) => [gcpCommand(readSection)],
};
