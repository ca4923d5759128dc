// case.yml: read, checked against case.schema.json (with each driver's own keys added from its
// folder), and turned into typed case settings; the case's driver reads and checks its own part.
import schema from "./case.schema.json" with { type: "json" };
import { DRIVERS, findDriver } from "../drivers/index.ts";
import { compileSchema, validateYaml } from "../util/schema.ts";
import { readYaml } from "../util/yaml-source.ts";
import { parseDurationMs } from "../util/duration.ts";
import { inputError, type HarnessError } from "../errors.ts";
import type { YamlSource } from "../util/yaml-source.ts";
import type { Arch, CaseTimeouts, CellFilter, KernelAllow } from "./types.ts";

/** The driver an image case gets when case.yml names none. */
export const DEFAULT_DRIVER = "serial";

const validate = compileSchema({
  ...schema,
  properties: {
    ...schema.properties,
    driver: { ...schema.properties.driver, enum: DRIVERS.map((d) => d.name) },
    ...Object.fromEntries(DRIVERS.flatMap((d) => Object.entries(d.caseKeys ?? {}))),
  },
});

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
  driver?: string;
  results?:
    | "channel"
    | "console"
    | "exit-status"
    | { passed: string; failed: string }
    | { "tap-after": string };
  expect?: { plan?: number; tests?: string[] };
  kernel?: { allow?: KernelAllow[] };
}

/** Reads and validates a case.yml; all problems come back as located errors. */
export async function readCaseFile(
  file: string,
): Promise<{ fields?: CaseFileFields; driverOptions?: unknown; errors: HarnessError[] }> {
  const { source, errors } = await readYaml(file);
  if (!source) return { errors };
  const value = (source.value ?? {}) as CaseFileFields;
  const schemaErrors = validateYaml(validate, { ...source, value }, "ECASEFILE");
  if (schemaErrors.length > 0) return { errors: schemaErrors };
  const driver = findDriver(value.driver ?? DEFAULT_DRIVER);
  const read = driver.readCase?.({
    fields: value as Record<string, unknown>,
    file,
    locate: (path) => source.locate(path),
  });
  const problems = [
    ...allowPatternErrors(value, source),
    ...otherDriversKeys(value, driver.name, source),
    ...(read?.errors ?? []),
  ];
  if (problems.length > 0) return { errors: problems };
  return {
    fields: value,
    ...(read?.options === undefined ? {} : { driverOptions: read.options }),
    errors: [],
  };
}

// A key one driver reads, written in a case that another driver drives: an error at its line.
function otherDriversKeys(
  fields: CaseFileFields,
  driver: string,
  source: YamlSource,
): HarnessError[] {
  return DRIVERS.filter((d) => d.name !== driver).flatMap((owner) =>
    Object.keys(owner.caseKeys ?? {})
      .filter((key) => (fields as Record<string, unknown>)[key] !== undefined)
      .map((key) =>
        inputError("ECASEFILE", `${key}: is for driver: ${owner.name}, not driver: ${driver}`, {
          at: source.locate([key]),
          hint: `set driver: ${owner.name}, or drop ${key}:`,
        }),
      ),
  );
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
