// GitHub's published OpenAPI description (@octokit/openapi, api.github.com) as a checker: which
// operation a request is, whether its path, query and body match the description, and whether an
// answer matches the documented response.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema: Json;
  "x-multi-segment"?: boolean;
}

/** One operation of the description. */
export interface Operation {
  method: string;
  template: string;
  operationId: string;
  parameters: Parameter[];
  regex: RegExp;
  pathNames: string[];
  literalSegments: number;
}

/** A request matched to its operation. */
export interface Matched {
  operation: Operation;
  pathParams: Record<string, string>;
}

const SPEC_ID = "https://api.github.com/openapi.json";
const METHODS = ["get", "post", "put", "patch", "delete"];

/** The checker for api.github.com's description. */
export class GitHubOpenApi {
  readonly spec: Json;
  readonly operations: Operation[];
  readonly #ajv: Ajv;
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(spec: Json) {
    this.spec = spec;
    this.#ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    this.#ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    this.#ajv.addFormat("uri", (value: string) => URL.canParse(value));
    for (const format of [
      "int64",
      "int32",
      "double",
      "repo.nwo",
      "binary",
      "date",
      "uri-template",
      "email",
      "timestamp",
    ]) {
      this.#ajv.addFormat(format, true);
    }
    this.#ajv.addSchema(nullableEnums(spec), SPEC_ID);
    this.operations = operationsOf(spec, (ref) => this.resolve(ref).node as Parameter);
  }

  /** The operation for METHOD PATH (no query), preferring the most literal template. */
  match(method: string, path: string): Matched | undefined {
    for (const operation of this.operations) {
      if (operation.method !== method.toLowerCase()) continue;
      const found = operation.regex.exec(path);
      if (!found) continue;
      const pathParams = Object.fromEntries(
        operation.pathNames.map((name, i) => [name, decodeURIComponent(found[i + 1] as string)]),
      );
      return { operation, pathParams };
    }
    return undefined;
  }

  /** Problems with the request's path parameters, query and JSON body; empty when it conforms. */
  checkRequest(
    matched: Matched,
    query: URLSearchParams,
    body: unknown,
    hasBody: boolean,
  ): string[] {
    const { operation } = matched;
    const problems: string[] = [];
    for (const param of operation.parameters.filter((p) => p.in === "path")) {
      problems.push(
        ...this.#checkValue(
          `path parameter ${param.name}`,
          param.schema,
          matched.pathParams[param.name],
        ),
      );
    }
    const queryParams = operation.parameters.filter((p) => p.in === "query");
    for (const name of new Set(query.keys())) {
      const param = queryParams.find((p) => p.name === name);
      if (!param) problems.push(`unknown query parameter ${name}`);
      else
        problems.push(
          ...this.#checkValue(
            `query parameter ${name}`,
            param.schema,
            query.get(name) ?? undefined,
          ),
        );
    }
    for (const param of queryParams.filter((p) => p.required && !query.has(p.name))) {
      problems.push(`missing required query parameter ${param.name}`);
    }
    const requestBody = this.#at(["paths", operation.template, operation.method, "requestBody"]);
    if (!requestBody) {
      if (hasBody) problems.push("a body where the operation takes none");
      return problems;
    }
    const { node, path } = requestBody;
    if (!hasBody)
      return (node as Json).required ? [...problems, "missing required JSON body"] : problems;
    const schemaPath = [...path, "content", "application/json", "schema"];
    problems.push(...this.#validate(schemaPath, body).map((p) => `body${p}`));
    const properties = (this.resolve(schemaPath).node as Json).properties as Json | undefined;
    if (properties && body && typeof body === "object") {
      for (const key of Object.keys(body))
        if (!(key in properties)) problems.push(`body has unknown field ${key}`);
    }
    return problems;
  }

  /** Problems with an answer against the documented response for its status code. */
  checkResponse(operation: Operation, status: number, body: unknown): string[] {
    const response = this.#at([
      "paths",
      operation.template,
      operation.method,
      "responses",
      String(status),
    ]);
    if (!response) return [`status ${status} is not documented for ${operation.operationId}`];
    const schemaPath = [...response.path, "content", "application/json", "schema"];
    if (!this.#at(schemaPath)) return [];
    return this.#validate(schemaPath, body).map((p) => `response${p}`);
  }

  /** The documented example answer for an operation and status, deep-copied. */
  example(operation: Operation, status: number): Json {
    const response = this.#at([
      "paths",
      operation.template,
      operation.method,
      "responses",
      String(status),
    ]);
    const examples =
      response && this.#at([...response.path, "content", "application/json", "examples"]);
    const first = examples ? Object.values(examples.node as Json)[0] : undefined;
    const resolved = first && this.resolve(first as Json).node;
    return structuredClone((resolved as Json | undefined)?.value ?? {}) as Json;
  }

  /** Follows $ref chains from a node or a path; returns the node and its path in the document. */
  resolve(from: Json | string[]): { node: unknown; path: string[] } {
    let path = Array.isArray(from) ? from : [];
    let node: unknown = Array.isArray(from) ? walk(this.spec, from) : from;
    while (node && typeof node === "object" && typeof (node as Json).$ref === "string") {
      path = ((node as Json).$ref as string).replace(/^#\//, "").split("/").map(unescapePointer);
      node = walk(this.spec, path);
    }
    return { node, path };
  }

  #at(path: string[]): { node: unknown; path: string[] } | undefined {
    const found = this.resolve(path);
    return found.node === undefined ? undefined : found;
  }

  #validate(path: string[], data: unknown): string[] {
    const pointer = `#/${path.map((s) => encodeURIComponent(s.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/")}`;
    let validate = this.#validators.get(pointer);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: `${SPEC_ID}${pointer}` });
      this.#validators.set(pointer, validate);
    }
    if (validate(data)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath} ${e.message ?? "is invalid"} ${JSON.stringify(e.params)}`,
    );
  }

  #checkValue(what: string, schema: Json, raw: string | undefined): string[] {
    if (raw === undefined) return [`missing ${what}`];
    const type = schema.type;
    const value =
      type === "integer" || type === "number"
        ? Number(raw)
        : type === "boolean"
          ? raw === "true"
          : raw;
    if (
      (type === "integer" && !/^-?\d+$/.test(raw)) ||
      (type === "boolean" && !/^(true|false)$/.test(raw))
    ) {
      return [`${what} ${JSON.stringify(raw)} is not ${String(type)}`];
    }
    const validate = this.#ajv.compile(schema);
    return validate(value)
      ? []
      : [`${what} ${JSON.stringify(raw)}: ${this.#ajv.errorsText(validate.errors)}`];
  }
}

function operationsOf(spec: Json, deref: (ref: Json) => Parameter): Operation[] {
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(spec.paths as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const parameters = ((op.parameters as Json[] | undefined) ?? []).map(deref);
      const pathNames: string[] = [];
      const source = template.replace(/\{([^}]+)\}|[^{]+/g, (part, name?: string) => {
        if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
        pathNames.push(name);
        return parameters.find((p) => p.name === name)?.["x-multi-segment"] ? "(.+)" : "([^/]+)";
      });
      const literalSegments = template
        .split("/")
        .filter((s) => s !== "" && !s.startsWith("{")).length;
      const operationId = String(op.operationId);
      operations.push({
        method,
        template,
        operationId,
        parameters,
        regex: new RegExp(`^${source}$`),
        pathNames,
        literalSegments,
      });
    }
  }
  return operations.sort(
    (a, b) => b.literalSegments - a.literalSegments || a.pathNames.length - b.pathNames.length,
  );
}

/**
 * OpenAPI 3.0 lets `nullable: true` admit null even past an `enum` (GitHub's description relies on
 * it: a running check run's conclusion is null); JSON Schema needs null in the enum. A nullable
 * schema without a `type` (an issue's milestone: oneOf string or integer) becomes "it, or null".
 */
function nullableEnums<T>(node: T): T {
  if (Array.isArray(node)) node.forEach(nullableEnums);
  else if (node && typeof node === "object") {
    const schema = node as Json;
    if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) {
      schema.enum = [...(schema.enum as unknown[]), null];
    }
    Object.values(schema).forEach(nullableEnums);
    if (schema.nullable === true && schema.type === undefined && schema.$ref === undefined) {
      const inner = { ...schema };
      delete inner.nullable;
      for (const key of Object.keys(schema)) delete schema[key];
      schema.anyOf = [inner, { type: "null" }];
    }
  }
  return node;
}

function walk(node: unknown, path: readonly string[]): unknown {
  let current = node;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Json)[key];
  }
  return current;
}

function unescapePointer(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~");
}

let loaded: Promise<GitHubOpenApi> | undefined;

/** The checker, loaded once per test process from the @octokit/openapi package. */
export function loadGitHubOpenApi(): Promise<GitHubOpenApi> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve("@octokit/openapi/package.json"));
    const text = await readFile(join(root, "generated", "api.github.com.json"), "utf8");
    return new GitHubOpenApi(JSON.parse(text) as Json);
  })();
  return loaded;
}
