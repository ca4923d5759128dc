// case.yml: read, checked against case.schema.json, and turned into typed case settings.
import schema from "./case.schema.json" with { type: "json" };
import { compileSchema, validateYaml } from "../util/schema.ts";
import { readYaml } from "../util/yaml-source.ts";
import { parseDurationMs } from "../util/duration.ts";
import { inputError, type HarnessError } from "../errors.ts";
import type { YamlSource } from "../util/yaml-source.ts";
import type { Arch, CaseTimeouts, CellFilter, KernelAllow, SshStep } from "./types.ts";

const validate = compileSchema(schema);

/** The fields of case.yml as written (durations still strings or seconds). */
export interface CaseFileFields {
  summary?: string;
  labels?: string[];
  author?: string;
  issue?: string;
  repeat?: number;
  timeout?: string | number;
  timeouts?: Record<
    "build" | "boot" | "drive" | "teardown" | "silence",
    string | number | undefined
  >;
  platforms?: string[];
  arches?: Arch[];
  kernels?: string[];
  exclude?: CellFilter[];
  skip?: CellFilter[];
  image?: string;
  memory?: number;
  disks?: { size: string }[];
  cpus?: number;
  driver?: "serial" | "ssh";
  results?: "channel" | "console";
  ssh?: {
    user?: string;
    steps: { name: string; run: string; timeout?: string | number; exit?: number; tap?: boolean }[];
  };
  expect?: { plan?: number; tests?: string[] };
  kernel?: { allow?: KernelAllow[] };
}

/** Reads and validates a case.yml; all problems come back as located errors. */
export async function readCaseFile(
  file: string,
): Promise<{ fields?: CaseFileFields; errors: HarnessError[] }> {
  const { source, errors } = await readYaml(file);
  if (!source) return { errors };
  const value = source.value ?? {};
  const schemaErrors = validateYaml(validate, { ...source, value }, "ECASEFILE");
  if (schemaErrors.length > 0) return { errors: schemaErrors };
  const patternErrors = allowPatternErrors(value, source);
  if (patternErrors.length > 0) return { errors: patternErrors };
  return { fields: value, errors: [] };
}

// Each kernel.allow pattern must compile, so a typo is a bad-input error at its line, not a crash mid-run.
function allowPatternErrors(fields: CaseFileFields, source: YamlSource): HarnessError[] {
  return (fields.kernel?.allow ?? []).flatMap((entry, index) => {
    try {
      new RegExp(entry.pattern);
      return [];
    } catch (error) {
      return [
        inputError(
          "ECASEFILE",
          `kernel.allow[${index}].pattern is not a valid regular expression: ${(error as Error).message}`,
          {
            at: source.locate(["kernel", "allow", index, "pattern"]),
            hint: "write a JavaScript regular expression, e.g. 'at drivers/foo/bar\\.c:\\d+'; escape ( [ . + with a backslash",
          },
        ),
      ];
    }
  });
}

/** The case's deadlines in milliseconds. */
export function caseTimeouts(fields: CaseFileFields): CaseTimeouts {
  const timeouts: CaseTimeouts = {};
  const ms = (value: string | number | undefined) =>
    value === undefined ? undefined : parseDurationMs(value);
  const set = (key: keyof CaseTimeouts, value: number | undefined) => {
    if (value !== undefined) timeouts[key] = value;
  };
  set("cellMs", ms(fields.timeout));
  set("buildMs", ms(fields.timeouts?.build));
  set("bootMs", ms(fields.timeouts?.boot));
  set("driveMs", ms(fields.timeouts?.drive));
  set("teardownMs", ms(fields.timeouts?.teardown));
  set("silenceMs", ms(fields.timeouts?.silence));
  return timeouts;
}

/** The case's SSH steps with defaults filled in. */
export function sshSteps(fields: CaseFileFields): SshStep[] | undefined {
  return fields.ssh?.steps.map((step) => {
    const timeoutMs = step.timeout === undefined ? undefined : parseDurationMs(step.timeout);
    return {
      name: step.name,
      run: step.run,
      exit: step.exit ?? 0,
      tap: step.tap ?? false,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
  });
}
