// Checks of a workflow that GitHub's schema cannot make: every `needs:` names a job, every
// needs/steps/matrix/env/inputs reference exists where it is used, every downloaded artifact is
// uploaded, every $VARIABLE a script reads is set, and every harness command line names a real
// subcommand, real flags and a real preset.
import { parse } from "yaml";
import type { Command } from "../../harness/util/command.ts";
import { harnessCommandLines, scriptVariables } from "./workflow-shell.ts";

type Json = Record<string, unknown>;

/** What the checks compare a workflow with. */
export interface WorkflowFacts {
  commands: readonly Command[];
  presets: readonly string[];
  /** The keys of a matrix computed at run time (fromJSON(needs.X.outputs.Y)), by "X.Y". */
  dynamicMatrixKeys: Readonly<Record<string, readonly string[]>>;
}

/** Variables every Actions step has without setting them. */
const RUNNER_VARIABLES = /^(GITHUB_\w+|RUNNER_\w+|HOME|PATH|CI|PWD)$/;

/** The problems found in a workflow's text; empty when there are none. */
export function checkWorkflow(text: string, facts: WorkflowFacts): string[] {
  const workflow = parse(text) as Json;
  const jobs = (workflow.jobs ?? {}) as Record<string, Json>;
  const problems: string[] = [];
  // A workflow's inputs: a manual run's (workflow_dispatch) and a caller's (workflow_call).
  const on = (workflow.on ?? {}) as Record<string, Json | null>;
  const inputs = ["workflow_dispatch", "workflow_call"].flatMap((event) =>
    Object.keys(on[event]?.inputs ?? {}),
  );
  const workflowEnv = Object.keys(workflow.env ?? {});
  for (const ref of references(workflow.env)) checkGlobalRef(ref, inputs, problems, "env");
  for (const [id, job] of Object.entries(jobs)) {
    const needs = asList(job.needs);
    for (const need of needs) if (!jobs[need]) problems.push(`${id}: needs unknown job "${need}"`);
    const where = (what: string) => `${id}: ${what}`;
    const jobEnv = [...workflowEnv, ...Object.keys(job.env ?? {})];
    const matrixKeys = matrixKeysOf(job, facts);
    checkRefs(job, { id, jobs, needs, inputs, jobEnv, matrixKeys }, problems);
    const exported: string[] = [];
    for (const [index, step] of ((job.steps ?? []) as Json[]).entries()) {
      const stepName = asText(step.name) || asText(step.uses) || `step ${index + 1}`;
      const env = [...jobEnv, ...exported, ...Object.keys(step.env ?? {})];
      if (typeof step.run !== "string") continue;
      problems.push(...checkScript(step.run, env, facts).map((p) => where(`${stepName}: ${p}`)));
      exported.push(...scriptVariables(step.run).exported);
    }
  }
  problems.push(...checkNeedsCycles(jobs), ...checkArtifacts(jobs));
  return problems;
}

interface JobScope {
  id: string;
  jobs: Record<string, Json>;
  needs: string[];
  inputs: string[];
  jobEnv: string[];
  matrixKeys: string[] | undefined;
}

function checkRefs(job: Json, scope: JobScope, problems: string[]): void {
  const steps = (job.steps ?? []) as Json[];
  const stepIds = steps.map((s) => s.id).filter((s): s is string => typeof s === "string");
  const bad = (what: string) => problems.push(`${scope.id}: ${what}`);
  const rest = { ...job };
  delete rest.strategy;
  for (const ref of references(rest)) {
    const { context, name, field, output } = ref;
    if (context === "needs") {
      if (!scope.needs.includes(name)) bad(`uses needs.${name} but does not need it`);
      else if (field === "outputs" && output !== undefined) {
        const outputs = Object.keys(scope.jobs[name]?.outputs ?? {});
        if (!outputs.includes(output))
          bad(`needs.${name}.outputs.${output} is not an output of ${name}`);
      }
    } else if (context === "steps" && !stepIds.includes(name)) {
      bad(`steps.${name} names no step id of this job`);
    } else if (context === "matrix") {
      if (scope.matrixKeys === undefined) bad(`matrix.${name} used without a strategy.matrix`);
      else if (!scope.matrixKeys.includes(name))
        bad(`matrix.${name} is not a key of its matrix (${scope.matrixKeys.join(", ")})`);
    } else if (context === "env" && !scope.jobEnv.includes(name) && !stepEnvHas(steps, name)) {
      bad(`env.${name} is set nowhere`);
    } else checkGlobalRef(ref, scope.inputs, problems, scope.id);
  }
  for (const ref of references(job.strategy)) {
    if (ref.context === "needs" && !scope.needs.includes(ref.name))
      bad(`strategy uses needs.${ref.name} but does not need it`);
  }
}

function stepEnvHas(steps: readonly Json[], name: string): boolean {
  return steps.some((s) => Object.keys(s.env ?? {}).includes(name));
}

function checkGlobalRef(ref: Ref, inputs: readonly string[], problems: string[], where: string) {
  if (ref.context === "inputs" && !inputs.includes(ref.name)) {
    problems.push(`${where}: inputs.${ref.name} is not an input of the workflow`);
  }
}

function matrixKeysOf(job: Json, facts: WorkflowFacts): string[] | undefined {
  const matrix = (job.strategy as Json | undefined)?.matrix;
  if (matrix === undefined) return undefined;
  if (typeof matrix === "string") {
    const source = /fromJSON\(\s*needs\.([\w-]+)\.outputs\.([\w-]+)\s*\)/.exec(matrix);
    return source ? [...(facts.dynamicMatrixKeys[`${source[1]}.${source[2]}`] ?? [])] : [];
  }
  const object = matrix as Json;
  const keys = Object.keys(object).filter((k) => k !== "include" && k !== "exclude");
  const included = ((object.include ?? []) as Json[]).flatMap((row) => Object.keys(row));
  return [...new Set([...keys, ...included])];
}

/** One reference in an expression: `needs.plan.outputs.matrix` is needs / plan / outputs / matrix. */
interface Ref {
  context: string;
  name: string;
  field?: string;
  output?: string;
}

const REFERENCE = /\b(needs|steps|matrix|env|inputs)\.([\w-]+)(?:\.([\w-]+))?(?:\.([\w-]+))?/g;

/** Expression references, from ${{ }} anywhere and from bare `if:` conditions. */
function references(node: unknown, key = ""): Ref[] {
  if (typeof node === "string") {
    const expressions =
      key === "if" && !node.includes("${{")
        ? [node]
        : [...node.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1] ?? "");
    return expressions.flatMap((e) =>
      [...e.replace(/'[^']*'/g, "''").matchAll(REFERENCE)].map((m) => ({
        context: m[1] as string,
        name: m[2] as string,
        ...(m[3] === undefined ? {} : { field: m[3] }),
        ...(m[4] === undefined ? {} : { output: m[4] }),
      })),
    );
  }
  if (Array.isArray(node)) return node.flatMap((n) => references(n, key));
  if (node && typeof node === "object")
    return Object.entries(node).flatMap(([k, v]) => references(v, k));
  return [];
}

function checkScript(script: string, env: readonly string[], facts: WorkflowFacts): string[] {
  const problems: string[] = [];
  const variables = scriptVariables(script);
  for (const name of variables.read) {
    const known = env.includes(name) || RUNNER_VARIABLES.test(name) || variables.set.includes(name);
    if (!known) problems.push(`reads $${name}, which is set nowhere`);
  }
  for (const line of harnessCommandLines(script)) {
    const command = facts.commands.find((c) => c.name === line.subcommand);
    if (!command) {
      problems.push(`harness ${line.subcommand}: no such subcommand`);
      continue;
    }
    for (const flag of line.flags) {
      const known = flag.startsWith("--")
        ? flag === "--help" || command.flags.some((f) => `--${f.name}` === flag)
        : command.flags.some((f) => f.short !== undefined && `-${f.short}` === flag);
      if (!known) problems.push(`harness ${line.subcommand}: no flag ${flag}`);
    }
    for (const preset of line.presets) {
      if (!facts.presets.includes(preset))
        problems.push(`harness ${line.subcommand}: no preset "${preset}" in harness.yml`);
    }
  }
  return problems;
}

function checkNeedsCycles(jobs: Record<string, Json>): string[] {
  const problems: string[] = [];
  const visit = (id: string, path: string[]): void => {
    if (path.includes(id)) {
      problems.push(`needs cycle: ${[...path, id].join(" → ")}`);
      return;
    }
    for (const need of asList(jobs[id]?.needs)) if (jobs[need]) visit(need, [...path, id]);
  };
  for (const id of Object.keys(jobs)) visit(id, []);
  return [...new Set(problems)];
}

/** Every download-artifact name or pattern matches an artifact some upload-artifact step makes. */
function checkArtifacts(jobs: Record<string, Json>): string[] {
  const steps = Object.values(jobs).flatMap((job) => (job.steps ?? []) as Json[]);
  const withOf = (s: Json) => (s.with ?? {}) as Json;
  // The repository's own action (uses: ./…) uploads its run folder under its artifact-name.
  const uploads = steps
    .filter((s) => asText(s.uses).startsWith("actions/upload-artifact@"))
    .map((s) => asText(withOf(s).name) || "artifact")
    .concat(
      steps
        .filter((s) => asText(s.uses).startsWith("./"))
        .map((s) => asText(withOf(s)["artifact-name"]))
        .filter(Boolean),
    )
    .map((name) => name.replace(/\$\{\{[^}]*\}\}/g, "*"));
  const problems: string[] = [];
  for (const step of steps.filter((s) => asText(s.uses).startsWith("actions/download-artifact@"))) {
    const wanted = asText(withOf(step).pattern) || asText(withOf(step).name) || "*";
    const matches = uploads.some((name) => globsOverlap(wanted, name));
    if (!matches)
      problems.push(`download-artifact ${wanted}: no upload-artifact step makes such an artifact`);
  }
  return problems;
}

/** Whether two globs (only "*") can match one name: each matches the other read as a name. */
function globsOverlap(a: string, b: string): boolean {
  const regex = (glob: string) =>
    new RegExp(
      `^${glob
        .split("*")
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
  return regex(a).test(b.replace(/\*/g, "x")) || regex(b).test(a.replace(/\*/g, "x"));
}

function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : "";
}
