// The remote platform as the registry lists it: no runners until a run names them.
import { createRemotePlatform, RunnerPool, type RemotePlatform } from "./platform.ts";
import { remoteSettings } from "./settings.ts";

export { createRemotePlatform, RunnerPool, type RemotePlatform } from "./platform.ts";
export type { RunnerSpec } from "./spec.ts";

/** The registry's entry: its runners come from harness.yml's runners: or --host in each run. */
export const remotePlatform: RemotePlatform = {
  ...createRemotePlatform(new RunnerPool([], () => undefined)),
  settings: remoteSettings,
};
