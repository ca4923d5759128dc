// JSON Schema validation of YAML documents, with each error placed at file:line:column.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { inputError, type HarnessError } from "../errors.ts";
import { choicesHint } from "./suggest.ts";
import type { YamlSource } from "./yaml-source.ts";

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });

/** A compiled validator for one schema, kept for the life of the process. */
export function compileSchema(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

/** Validates a parsed YAML document; returns one located error per problem. */
export function validateYaml(
  validate: ValidateFunction,
  source: YamlSource,
  code: string,
): HarnessError[] {
  if (validate(source.value)) return [];
  const errors = (validate.errors ?? []).filter(isUseful);
  return dedupe(errors).map((error) => toHarnessError(error, source, code));
}

function toHarnessError(error: ErrorObject, source: YamlSource, code: string): HarnessError {
  const path = pointerToPath(error.instancePath);
  const where = path.length > 0 ? path.join(".") : "(top level)";
  if (error.keyword === "additionalProperty" || error.keyword === "additionalProperties") {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
    return inputError(code, `unknown field "${key}" in ${where}`, {
      at: source.locate([...path, key], true),
      hint: choicesHint(key, allowed),
    });
  }
  if (error.keyword === "enum") {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
    return inputError(code, `${where} is ${JSON.stringify(error.data)}, not an allowed value`, {
      at: source.locate(path),
      hint: choicesHint(String(error.data), allowed),
    });
  }
  return inputError(
    code,
    `${where} ${error.message ?? "is invalid"} (got ${JSON.stringify(error.data)})`,
    {
      at: source.locate(path),
      hint: "see the schema for this file's fields",
    },
  );
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

// oneOf/allOf wrappers repeat what their branches already said.
function isUseful(error: ErrorObject): boolean {
  return error.keyword !== "oneOf" && error.keyword !== "allOf" && error.keyword !== "if";
}

function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
