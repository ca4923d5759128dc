// Runs a composite action's shell steps on this machine as the Actions runner would: each step's
// env with its expressions evaluated (inputs, github.action_path, earlier steps' outputs), its
// `if:`, and the GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH and GITHUB_STEP_SUMMARY files between steps.
// `uses:` steps (setup-node, cache, upload-artifact) are listed as skipped: they need GitHub.
import { execa } from "execa";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";

type Json = Record<string, unknown>;

/** What one step did. */
export interface StepRun {
  name: string;
  ran: boolean;
  exitCode?: number;
  output: string;
}

/** A run of the action: its steps, the outputs it declares, the files the runner keeps. */
export interface ActionRun {
  steps: StepRun[];
  outputs: Record<string, string>;
  summary: string;
  env: Record<string, string>;
  path: string[];
}

/** Where the run happens and what the runner would give it. */
export interface ActionRunOptions {
  actionPath: string;
  workspace: string;
  /** A folder for the runner's files (GITHUB_OUTPUT and the others). */
  runnerTemp: string;
  inputs: Record<string, string>;
  /** The environment every step starts from (PATH, HOME, …). */
  baseEnv: Record<string, string>;
}

/** Runs the action's steps in order, as the runner would, and returns what they wrote. */
export async function runActionSteps(text: string, options: ActionRunOptions): Promise<ActionRun> {
  const action = parse(text) as Json;
  const inputs = defaultsWith(action, options.inputs);
  const stepOutputs: Record<string, Record<string, string>> = {};
  const exported: Record<string, string> = {};
  const path: string[] = [];
  const summaryFile = join(options.runnerTemp, "step-summary.md");
  await writeFile(summaryFile, "");
  const runs: StepRun[] = [];
  const context = (name: string): string => lookup(name, inputs, stepOutputs, options);
  const steps = ((action.runs as Json).steps ?? []) as Json[];
  for (const [index, step] of steps.entries()) {
    const name = scalar(step.name) || scalar(step.uses) || `step ${index + 1}`;
    if (step.if !== undefined && !condition(scalar(step.if), context)) {
      runs.push({ name, ran: false, output: "skipped: if" });
      continue;
    }
    if (typeof step.run !== "string") {
      runs.push({ name, ran: false, output: `skipped: uses ${String(step.uses)}` });
      continue;
    }
    const files = {
      GITHUB_OUTPUT: join(options.runnerTemp, `output-${index}`),
      GITHUB_ENV: join(options.runnerTemp, `env-${index}`),
      GITHUB_PATH: join(options.runnerTemp, `path-${index}`),
      GITHUB_STEP_SUMMARY: summaryFile,
    };
    for (const file of [files.GITHUB_OUTPUT, files.GITHUB_ENV, files.GITHUB_PATH])
      await writeFile(file, "");
    const stepEnv = Object.fromEntries(
      Object.entries((step.env ?? {}) as Record<string, unknown>).map(([k, v]) => [
        k,
        evaluate(scalar(v), context),
      ]),
    );
    const env = {
      ...options.baseEnv,
      ...exported,
      PATH: [...path, options.baseEnv.PATH ?? ""].join(":"),
      GITHUB_ACTION_PATH: options.actionPath,
      GITHUB_WORKSPACE: options.workspace,
      RUNNER_TEMP: options.runnerTemp,
      ...files,
      ...stepEnv,
    };
    if (step.shell !== "bash") throw new Error(`${name}: only bash steps run here`);
    const result = await execa(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run],
      {
        cwd: options.workspace,
        env,
        extendEnv: false,
        reject: false,
        all: true,
      },
    );
    runs.push({ name, ran: true, exitCode: result.exitCode ?? -1, output: String(result.all) });
    if (typeof step.id === "string")
      stepOutputs[step.id] = keyValues(await readFile(files.GITHUB_OUTPUT, "utf8"));
    Object.assign(exported, keyValues(await readFile(files.GITHUB_ENV, "utf8")));
    path.unshift(
      ...(await readFile(files.GITHUB_PATH, "utf8")).split("\n").filter(Boolean).reverse(),
    );
    if (result.exitCode !== 0) break;
  }
  const outputs = Object.fromEntries(
    Object.entries((action.outputs ?? {}) as Record<string, Json>).map(([id, output]) => [
      id,
      evaluate(scalar(output.value), context),
    ]),
  );
  return {
    steps: runs,
    outputs,
    summary: await readFile(summaryFile, "utf8"),
    env: exported,
    path,
  };
}

function defaultsWith(action: Json, given: Record<string, string>): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [id, input] of Object.entries((action.inputs ?? {}) as Record<string, Json>))
    inputs[id] = scalar(input.default);
  for (const [id, value] of Object.entries(given)) {
    if (!(id in inputs)) throw new Error(`the action has no input ${id}`);
    inputs[id] = value;
  }
  return inputs;
}

function lookup(
  name: string,
  inputs: Record<string, string>,
  steps: Record<string, Record<string, string>>,
  options: ActionRunOptions,
): string {
  const [context, key, field, output] = name.split(".");
  if (context === "inputs" && key !== undefined) return inputs[key] ?? "";
  if (context === "github" && key === "action_path") return options.actionPath;
  if (context === "steps" && field === "outputs" && key && output)
    return steps[key]?.[output] ?? "";
  throw new Error(`no value for ${name} in a local run`);
}

// "text ${{ a.b }} more" with each expression replaced by its value.
function evaluate(text: string, context: (name: string) => string): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_m, name: string) => context(name));
}

// The `if:` forms the action uses: terms joined by &&, each !cancelled(), or X == 'v', X != 'v'.
function condition(text: string, context: (name: string) => string): boolean {
  const body = text.replace(/^\$\{\{\s*|\s*\}\}$/g, "");
  return body.split("&&").every((raw) => {
    const term = raw.trim();
    if (term === "!cancelled()" || term === "always()" || term === "success()") return true;
    const compare = /^([\w.-]+)\s*(==|!=)\s*'([^']*)'$/.exec(term);
    if (!compare) throw new Error(`cannot evaluate "${term}" in a local run`);
    const [, name, op, value] = compare;
    const equal = context(name as string) === value;
    return op === "==" ? equal : !equal;
  });
}

// A YAML scalar as the runner reads it: strings as they are, numbers and booleans as written.
function scalar(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : "";
}

function keyValues(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) values[line.slice(0, at)] = line.slice(at + 1);
  }
  return values;
}
