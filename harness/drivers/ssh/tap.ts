// SSH step results as TAP 13: one test point per step, a `tap: true` step's output nested under it.
import { DEFAULT_STEP_TIMEOUT_MS } from "./run-step.ts";
import type { SshStep, SshStepResult } from "./types.ts";

/** TAP text for `steps` (in order); a step without a result is reported as skipped, not run. */
export function stepsToTap(results: readonly SshStepResult[], steps: readonly SshStep[]): string {
  const lines = ["TAP version 13", `1..${steps.length}`];
  steps.forEach((step, index) => {
    const result = results[index];
    lines.push(...testPoint(index + 1, step, result?.name === step.name ? result : undefined));
  });
  return `${lines.join("\n")}\n`;
}

/** True when a step did what its case expects: the expected exit code, in time. */
export function stepPassed(result: SshStepResult, step: SshStep): boolean {
  return !result.timedOut && result.error === undefined && result.exitCode === step.exit;
}

function testPoint(id: number, step: SshStep, result: SshStepResult | undefined): string[] {
  const name = tapName(step.name);
  if (!result) return [`ok ${id} - ${name} # SKIP not run`];
  const nested = step.tap ? subtest(oneLine(step.name), result) : [];
  if (result.timedOut) {
    const timeoutS = (step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS) / 1000;
    return [
      ...nested,
      `not ok ${id} - ${name} # TIMEOUT after ${timeoutS}s`,
      ...yaml(result, step),
    ];
  }
  if (stepPassed(result, step)) return [...nested, `ok ${id} - ${name}`];
  return [...nested, `not ok ${id} - ${name}`, ...yaml(result, step)];
}

// The step's own TAP, 4 spaces in, after the "# Subtest:" line the TAP reader pairs with the point
// by name: the name as the point's will read once unescaped.
function subtest(name: string, result: SshStepResult): string[] {
  const text = result.stdout.replace(/\r/g, "").replace(/\n$/, "");
  const dropped =
    result.stdoutDroppedBytes > 0
      ? [`# (the first ${result.stdoutDroppedBytes} bytes of output were dropped)`]
      : [];
  const body = text === "" ? [] : text.split("\n");
  return [`# Subtest: ${name}`, ...[...dropped, ...body].map((line) => `    ${line}`)];
}

function yaml(result: SshStepResult, step: SshStep): string[] {
  const fields: [string, unknown][] = [
    ["exitCode", result.exitCode],
    ["expected", step.exit],
    ...(result.signal === undefined ? [] : ([["signal", result.signal]] as [string, unknown][])),
    ...(result.error === undefined ? [] : ([["error", result.error]] as [string, unknown][])),
    ["durationMs", result.durationMs],
  ];
  return ["  ---", ...fields.map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`), "  ..."];
}

function oneLine(name: string): string {
  return name.replace(/\s+/g, " ").trim();
}

// "#" in a test point's name would start a directive unless escaped.
function tapName(name: string): string {
  return oneLine(name).replace(/\\/g, "\\\\").replace(/#/g, "\\#");
}
