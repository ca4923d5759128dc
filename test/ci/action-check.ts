// Checks of a composite action that its schema cannot make: it is composite, every run step names
// its shell and pastes no expression into its script (inputs go through env), every inputs.X and
// steps.X it uses exists, every output comes from a step, and every uses: is pinned to a version.
import { parse } from "yaml";

type Json = Record<string, unknown>;

const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;

/** The problems found in an action.yml's text; empty when there are none. */
export function checkAction(text: string): string[] {
  const action = parse(text) as Json;
  const problems: string[] = [];
  for (const key of ["name", "description"])
    if (typeof action[key] !== "string" || action[key] === "") problems.push(`no ${key}`);
  const runs = (action.runs ?? {}) as Json;
  if (runs.using !== "composite")
    problems.push(`runs.using is ${String(runs.using)}, not composite`);
  const steps = (Array.isArray(runs.steps) ? runs.steps : []) as Json[];
  if (steps.length === 0) problems.push("runs.steps is empty");
  const inputs = Object.keys(action.inputs ?? {});
  const stepIds = steps.map((s) => s.id).filter((id): id is string => typeof id === "string");
  for (const [index, step] of steps.entries()) {
    const name = typeof step.name === "string" ? step.name : `step ${index + 1}`;
    const bad = (what: string) => problems.push(`${name}: ${what}`);
    if (typeof step.run === "string") {
      if (typeof step.shell !== "string") bad("a run step without shell");
      if (step.run.includes("${{")) bad("an expression inside the script (pass it through env)");
    } else if (typeof step.uses === "string") {
      if (!/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@\S+$/.test(step.uses))
        bad(`uses ${step.uses} is not pinned to a version`);
    } else bad("neither run nor uses");
    const earlier = steps.slice(0, index).map((s) => s.id);
    for (const ref of references(step)) {
      if (ref.context === "inputs" && !inputs.includes(ref.name))
        bad(`inputs.${ref.name} is not an input`);
      if (ref.context === "steps" && !earlier.includes(ref.name))
        bad(`steps.${ref.name} names no earlier step id`);
    }
  }
  for (const [id, output] of Object.entries((action.outputs ?? {}) as Record<string, Json>)) {
    const refs = references(output.value);
    if (refs.length === 0) problems.push(`output ${id}: its value names no step output`);
    for (const ref of refs) {
      if (ref.context === "steps" && !stepIds.includes(ref.name))
        problems.push(`output ${id}: steps.${ref.name} names no step id`);
    }
  }
  for (const [id, input] of Object.entries((action.inputs ?? {}) as Record<string, Json>)) {
    if (typeof input.description !== "string") problems.push(`input ${id}: no description`);
  }
  return problems;
}

/** inputs.X and steps.X references inside a value's expressions. */
function references(value: unknown): { context: string; name: string }[] {
  const text = JSON.stringify(value ?? "");
  const found: { context: string; name: string }[] = [];
  for (const [, body] of text.matchAll(EXPRESSION)) {
    for (const [, context, name] of (body ?? "").matchAll(/\b(inputs|steps)\.([\w-]+)/g))
      found.push({ context: context as string, name: name as string });
  }
  return found;
}
