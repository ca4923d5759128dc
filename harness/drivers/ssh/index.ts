// The SSH driver: per-run keys, waiting for a guest's SSH server, running steps, steps as TAP.
export { generateRunKeyPair, RUN_KEY_NAME } from "./keys.ts";
export { waitForSsh, type WaitForSshOptions } from "./connect.ts";
export { ConnectedSsh } from "./session.ts";
export { DEFAULT_STEP_TIMEOUT_MS, type RunStepOptions } from "./run-step.ts";
export { STEP_MARKER_VARIABLE } from "./reap.ts";
export { STDOUT_KEEP_BYTES } from "./output.ts";
export { stepPassed, stepsToTap } from "./tap.ts";
export type { SshEndpoint, SshLog, SshStep, SshStepResult } from "./types.ts";
