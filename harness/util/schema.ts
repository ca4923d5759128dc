// JSON Schema validation of YAML documents, with each error placed at file:line:column.
import type { ErrorObject, ValidateFunction } from "ajv";
import { loadValidator } from "./schema-cache.ts";
import { inputError, type ErrorCode, type HarnessError } from "../errors.ts";
import { choicesHint } from "./suggest.ts";
import type { YamlSource } from "./yaml-source.ts";

/** A validator for one schema, compiled on first use (from a cached standalone build when there is one). */
export function compileSchema(schema: object): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const lazy = ((data: unknown) => {
    compiled ??= loadValidator(schema);
    const valid = compiled(data);
    lazy.errors = compiled.errors ?? null;
    return valid;
  }) as ValidateFunction;
  return lazy;
}

/** A path of keys and indexes into a document. */
export type DocumentPath = readonly (string | number)[];

/** Validates a parsed YAML document; returns one located error per problem. */
export function validateYaml(
  validate: ValidateFunction,
  source: YamlSource,
  code: ErrorCode,
): HarnessError[] {
  return validateYamlPaths(validate, source, code).errors;
}

/** Like validateYaml, and also says which paths failed, so callers can set aside just the bad parts. */
export function validateYamlPaths(
  validate: ValidateFunction,
  source: YamlSource,
  code: ErrorCode,
): { errors: HarnessError[]; paths: DocumentPath[] } {
  if (validate(source.value)) return { errors: [], paths: [] };
  const errors = dedupe((validate.errors ?? []).filter(isUseful));
  return {
    errors: errors.map((error) => toHarnessError(error, source, code)),
    paths: errors.map((error) => pointerToPath(error.instancePath)),
  };
}

/** A path as people read it: `services[0].binds`, or "(top level)". */
export function formatPath(path: DocumentPath): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`))
    .join("");
}

function toHarnessError(error: ErrorObject, source: YamlSource, code: ErrorCode): HarnessError {
  const path = pointerToPath(error.instancePath);
  const where = formatPath(path);
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
  if (error.keyword === "required") {
    const field = String((error.params as { missingProperty: string }).missingProperty);
    return inputError(code, `${where} is missing the required field "${field}"`, {
      at: source.locate(path),
      hint: `add ${field}: to this entry`,
    });
  }
  return inputError(code, `${where} ${error.message ?? "is invalid"} (got ${shown(error.data)})`, {
    at: source.locate(path),
    hint: describedBy(error.parentSchema) ?? "see the schema for this file's fields",
  });
}

// A schema's own description says best how to write the value it rejected.
function describedBy(schema: unknown): string | undefined {
  const description = (schema as { description?: unknown } | undefined)?.description;
  return typeof description === "string" ? description : undefined;
}

function shown(data: unknown): string {
  const text = JSON.stringify(data) ?? String(data);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
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
