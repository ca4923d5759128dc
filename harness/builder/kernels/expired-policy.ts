// Whether the kernel catalogue takes suites whose Release file has expired. A mirror that stopped
// being refreshed (a snapshot, an air-gapped copy) still serves good packages, but apt refuses its
// suites after their Valid-Until, so by default they are listed as unavailable; a project can allow
// them in harness.yml (kernels.allowExpired) and one shell can with HARNESS_KERNELS_ALLOW_EXPIRED.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { inputError } from "../../errors.ts";

/** The environment variable that overrides harness.yml's kernels.allowExpired. */
export const ALLOW_EXPIRED_ENV = "HARNESS_KERNELS_ALLOW_EXPIRED";

/** The policy and where it was set, for `harness kernels` to say. */
export interface ExpiredPolicy {
  allow: boolean;
  /** "default", "harness.yml" or the environment variable's name. */
  from: string;
}

/** Reads the policy: the environment variable wins, then `kernels.allowExpired` in the project's
 * harness.yml (in `dir`), else off. */
export function expiredPolicy(
  env: NodeJS.ProcessEnv = process.env,
  dir = process.cwd(),
): ExpiredPolicy {
  const value = env[ALLOW_EXPIRED_ENV];
  if (value !== undefined && value !== "")
    return { allow: envFlag(value), from: ALLOW_EXPIRED_ENV };
  const configured = configAllowExpired(dir);
  return configured === undefined
    ? { allow: false, from: "default" }
    : { allow: configured, from: "harness.yml" };
}

function envFlag(value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw inputError("ECONFIG", `${ALLOW_EXPIRED_ENV}=${value} is neither on nor off`, {
    hint: `set ${ALLOW_EXPIRED_ENV}=1 to use expired suites, 0 (or unset it) not to`,
  });
}

// harness.yml is validated where the CLI loads it; here only the one setting is read, and a file
// that is missing or unreadable as YAML leaves the default.
function configAllowExpired(dir: string): boolean | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, "harness.yml"), "utf8");
  } catch {
    return undefined;
  }
  try {
    const value = (parse(text) as { kernels?: { allowExpired?: unknown } } | null)?.kernels
      ?.allowExpired;
    return typeof value === "boolean" ? value : undefined;
  } catch {
    return undefined;
  }
}
