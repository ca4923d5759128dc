// The environment rtf gives host scripts (RT_*), plus the harness's own (HARNESS_*).
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import type { HostInfo } from "../util/host-labels.ts";
import type { LabelSet } from "../cases/labels.ts";

/** The folder standing in for rtf's installation: lib/lib.sh and bin/. */
export const RT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "rtf");

export interface ScriptEnvInput {
  casesRoot: string;
  testName: string;
  resultsDir: string;
  labels: LabelSet;
  host: HostInfo;
  cell?: { platform: string; arch: string; kernel: string; runId: string };
}

/** The environment for a test.sh or group.sh, built from the harness's own environment. */
export function scriptEnv(
  input: ScriptEnvInput,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  const labels = [...[...input.labels.unset].map((l) => `!${l}`), ...input.labels.set].join(":");
  Object.assign(env, {
    RT_ROOT,
    RT_LIB: join(RT_ROOT, "lib", "lib.sh"),
    RT_UTILS: join(RT_ROOT, "bin"),
    RT_PROJECT_ROOT: input.casesRoot,
    RT_OS: input.host.os,
    RT_OS_VER: input.host.distroVersion,
    RT_LABELS: labels,
    RT_TEST_NAME: input.testName,
    RT_RESULTS: input.resultsDir,
    PATH: `${join(RT_ROOT, "bin")}:${env.PATH ?? "/usr/bin:/bin"}`,
  });
  if (input.cell) {
    Object.assign(env, {
      HARNESS_PLATFORM: input.cell.platform,
      HARNESS_ARCH: input.cell.arch,
      HARNESS_KERNEL: input.cell.kernel,
      HARNESS_RUN_ID: input.cell.runId,
    });
  }
  return env;
}
