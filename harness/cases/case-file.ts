// case.yml: read, checked against case.schema.json, and turned into typed case settings.
import schema from "./case.schema.json" with { type: "json" };
import { compileSchema, validateYaml } from "../util/schema.ts";
import { readYaml } from "../util/yaml-source.ts";
import { parseDurationMs } from "../util/duration.ts";
import { inputError, type HarnessError } from "../errors.ts";
import type { YamlSource } from "../util/yaml-source.ts";
import type {
  Arch,
  CaseTimeouts,
  CellFilter,
  ConsoleResults,
  KernelAllow,
  SerialStep,
  SshStep,
} from "./types.ts";

/** How long a scripted console step waits when case.yml sets no timeout. */
export const DEFAULT_SERIAL_STEP_TIMEOUT_MS = 30_000;

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
  driver?: "serial" | "ssh" | "console";
  results?:
    | "channel"
    | "console"
    | "exit-status"
    | { passed: string; failed: string }
    | { "tap-after": string };
  steps?: { name?: string; expect?: string; send?: string; timeout?: string | number }[];
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
  const patternErrors = [...allowPatternErrors(value, source), ...driverErrors(value, source)];
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

// The driver's options must fit the driver and their patterns compile, each error at its line.
function driverErrors(fields: CaseFileFields, source: YamlSource): HarnessError[] {
  const errors: HarnessError[] = [];
  const driver = fields.driver ?? "serial";
  const results = fields.results;
  const consoleResults = results !== undefined && results !== "channel" && results !== "console";
  if (driver === "console" && !consoleResults)
    errors.push(
      inputError("ECASEFILE", "driver: console needs results: how to read the verdict", {
        at: source.locate(results === undefined ? ["driver"] : ["results"]),
        hint: "set results: exit-status, results: { passed: REGEX, failed: REGEX } or results: { tap-after: REGEX }",
      }),
    );
  if (driver !== "console" && consoleResults)
    errors.push(
      inputError("ECASEFILE", `results: ${JSON.stringify(results)} is for driver: console`, {
        at: source.locate(["results"]),
        hint: "set driver: console, or results: channel | console",
      }),
    );
  if (fields.steps && driver !== "serial")
    errors.push(
      inputError("ECASEFILE", `steps: are for driver: serial, not driver: ${driver}`, {
        at: source.locate(["steps"]),
        hint: driver === "ssh" ? "put SSH steps under ssh: { steps: }" : "set driver: serial",
      }),
    );
  if (typeof results === "object") {
    for (const [key, pattern] of Object.entries(results))
      errors.push(...regexErrors(pattern, ["results", key], source));
  }
  (fields.steps ?? []).forEach((step, index) => {
    if (step.expect !== undefined && step.send !== undefined)
      errors.push(
        inputError("ECASEFILE", `steps[${index}] has both expect: and send:`, {
          at: source.locate(["steps", index]),
          hint: "split it into two steps: the send, then the expect",
        }),
      );
    if (step.expect !== undefined)
      errors.push(...regexErrors(step.expect, ["steps", index, "expect"], source));
  });
  return errors;
}

function regexErrors(
  pattern: string,
  path: (string | number)[],
  source: YamlSource,
): HarnessError[] {
  try {
    new RegExp(pattern);
    return [];
  } catch (error) {
    return [
      inputError(
        "ECASEFILE",
        `${path
          .map((part) => (typeof part === "number" ? `[${part}]` : `.${part}`))
          .join("")
          .slice(1)} is not a valid regular expression: ${(error as Error).message}`,
        {
          at: source.locate(path),
          hint: "write a JavaScript regular expression; escape ( [ . + $ with a backslash",
        },
      ),
    ];
  }
}

/** The scripted console steps with names and deadlines filled in. */
export function serialSteps(fields: CaseFileFields, file: string): SerialStep[] | undefined {
  return fields.steps?.map((step, index) => {
    const what =
      step.expect !== undefined
        ? `expect /${step.expect}/`
        : `send ${JSON.stringify(step.send ?? "")}`;
    return {
      name: step.name ?? what,
      ...(step.expect !== undefined ? { expect: step.expect } : { send: step.send ?? "" }),
      timeoutMs:
        (step.timeout === undefined ? undefined : parseDurationMs(step.timeout)) ??
        DEFAULT_SERIAL_STEP_TIMEOUT_MS,
      at: `${file} steps[${index}]`,
    };
  });
}

/** How the console driver reads the verdict, when the case uses it. */
export function consoleResults(fields: CaseFileFields): ConsoleResults | undefined {
  const results = fields.results;
  if (results === "exit-status") return { kind: "exit-status" };
  if (typeof results !== "object") return undefined;
  if ("tap-after" in results) return { kind: "tap-after", start: results["tap-after"] };
  return { kind: "markers", passed: results.passed, failed: results.failed };
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
