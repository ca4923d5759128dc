// GitHub's own workflow parser (@actions/workflow-parser, from actions/languageservices: the schema
// and checks behind GitHub's editor support) as a checker: a workflow's schema errors and the
// expressions it may not use where it uses them, with line and column; and an action.yml against
// the same package's action schema.
import { readFileSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath } from "node:url";
import type * as WorkflowParser from "@actions/workflow-parser";

type Parser = typeof WorkflowParser;

let loaded: Promise<Parser> | undefined;

// The package imports its JSON schema without `with { type: "json" }` (it is built for bundlers);
// Node needs the attribute, so its JSON files are loaded as JSON here.
function loadParser(): Promise<Parser> {
  loaded ??= (() => {
    registerHooks({
      load(url, context, nextLoad) {
        if (url.includes("/@actions/workflow-parser/") && url.endsWith(".json")) {
          return { format: "json", source: readFileSync(fileURLToPath(url)), shortCircuit: true };
        }
        return nextLoad(url, context);
      },
    });
    return import("@actions/workflow-parser");
  })();
  return loaded;
}

/** Problems GitHub's parser finds in a workflow file's text; empty when it is valid. */
export async function githubWorkflowErrors(name: string, content: string): Promise<string[]> {
  const parser = await loadParser();
  const parsed = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  if (parsed.value !== undefined)
    await parser.convertWorkflowTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((e) => e.message);
}

/** Problems GitHub's parser finds in an action.yml's text (its action schema); empty when valid. */
export async function githubActionErrors(name: string, content: string): Promise<string[]> {
  const parser = await loadParser();
  const actions = await import("@actions/workflow-parser/actions/index");
  const parsed = actions.parseAction({ name, content }, new parser.NoOperationTraceWriter());
  if (parsed.value !== undefined) actions.convertActionTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((e) => e.message);
}
