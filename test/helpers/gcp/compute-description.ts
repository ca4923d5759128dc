// Compute Engine's published API description, as @google-cloud/compute ships it (compute.proto
// compiled to protos.json): the HTTP rule of every method and every message's fields, used to
// check each request the fake receives and each answer it gives.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, dirname } from "node:path";

interface ProtoField {
  type: string;
  keyType?: string;
  rule?: string;
  options?: Record<string, unknown>;
}
interface ProtoNode {
  fields?: Record<string, ProtoField>;
  values?: Record<string, number>;
  methods?: Record<
    string,
    { requestType: string; responseType: string; options?: Record<string, string> }
  >;
  nested?: Record<string, ProtoNode>;
}

/** One REST method: `Images.Insert` is POST /compute/v1/projects/{project}/global/images. */
export interface ComputeRoute {
  id: string;
  verb: string;
  template: string;
  pattern: RegExp;
  pathParams: string[];
  /** The request field the body fills (camelCase), if any. */
  bodyField?: string;
  requestType: string;
  responseType: string;
}

/** The routes and the message types to check bodies against. */
export interface ComputeDescription {
  routes: ComputeRoute[];
  types: Record<string, ProtoNode>;
}

/** Finds the route for a request, with its path parameters. */
export function matchRoute(
  description: ComputeDescription,
  verb: string,
  path: string,
): { route: ComputeRoute; params: Record<string, string> } | undefined {
  for (const route of description.routes) {
    if (route.verb !== verb) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.pathParams.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] ?? "")));
    return { route, params };
  }
  return undefined;
}

let cached: Promise<ComputeDescription> | undefined;

/** Loads the description once per process. */
export function loadComputeDescription(): Promise<ComputeDescription> {
  cached ??= (async () => {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve("@google-cloud/compute/package.json"));
    const json = JSON.parse(
      await readFile(join(root, "build", "protos", "protos.json"), "utf8"),
    ) as ProtoNode;
    const v1 = json.nested?.google?.nested?.cloud?.nested?.compute?.nested?.v1?.nested ?? {};
    const routes: ComputeRoute[] = [];
    for (const [service, node] of Object.entries(v1)) {
      for (const [method, spec] of Object.entries(node.methods ?? {})) {
        const options = spec.options ?? {};
        for (const verb of ["get", "post", "put", "patch", "delete"]) {
          const template = options[`(google.api.http).${verb}`];
          if (!template) continue;
          const pathParams: string[] = [];
          const pattern = new RegExp(
            `^${template.replace(/\{([^}]+)\}/g, (_, name: string) => {
              pathParams.push(camel(name));
              return "([^/]+)";
            })}$`,
          );
          const body = options["(google.api.http).body"];
          routes.push({
            id: `${service}.${method}`,
            verb: verb.toUpperCase(),
            template,
            pattern,
            pathParams,
            ...(body && body !== "*" ? { bodyField: camel(body) } : {}),
            requestType: spec.requestType,
            responseType: spec.responseType,
          });
        }
      }
    }
    // Literal segments beat parameters: /instances/{instance}/serialPort before /instances/{instance}.
    routes.sort((a, b) => b.template.length - a.template.length);
    return { routes, types: v1 };
  })();
  return cached;
}

/** Problems with `value` as a `typeName` message: unknown fields, wrong types, bad enum values. */
export function checkMessage(
  description: ComputeDescription,
  typeName: string,
  value: unknown,
  where: string,
): string[] {
  const type = description.types[typeName];
  if (!type?.fields) return [`${where}: unknown message type ${typeName}`];
  return checkNode(description, type, typeName, value, where);
}

function checkNode(
  description: ComputeDescription,
  type: ProtoNode,
  typeName: string,
  value: unknown,
  where: string,
): string[] {
  if (!type.fields) return [`${where}: ${typeName} is not a message`];
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return [`${where}: expected a ${typeName} object, got ${JSON.stringify(value)}`];
  const problems: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const field = type.fields[key];
    if (!field) {
      problems.push(`${where}.${key}: ${typeName} has no field ${key}`);
      continue;
    }
    if (field.keyType) {
      if (typeof item !== "object" || item === null)
        problems.push(`${where}.${key}: expected a map`);
      else
        for (const [k, v] of Object.entries(item as Record<string, unknown>))
          problems.push(...checkValue(description, type, field.type, v, `${where}.${key}.${k}`));
      continue;
    }
    if (field.rule === "repeated") {
      if (!Array.isArray(item)) problems.push(`${where}.${key}: expected a list`);
      else
        item.forEach((v, i) =>
          problems.push(...checkValue(description, type, field.type, v, `${where}.${key}[${i}]`)),
        );
      continue;
    }
    problems.push(...checkValue(description, type, field.type, item, `${where}.${key}`));
  }
  return problems;
}

/** The request fields a query string may carry: neither path parameters nor the body. */
export function queryFields(description: ComputeDescription, route: ComputeRoute): Set<string> {
  const fields = Object.keys(description.types[route.requestType]?.fields ?? {});
  return new Set(fields.filter((f) => !route.pathParams.includes(f) && f !== route.bodyField));
}

function checkValue(
  description: ComputeDescription,
  scope: ProtoNode,
  type: string,
  value: unknown,
  where: string,
): string[] {
  switch (type) {
    case "string":
      return typeof value === "string" ? [] : [`${where}: expected a string`];
    case "bool":
      return typeof value === "boolean" ? [] : [`${where}: expected true or false`];
    case "int32":
    case "uint32":
    case "double":
    case "float":
      return typeof value === "number" ? [] : [`${where}: expected a number`];
    case "int64":
    case "uint64":
      return typeof value === "number" || /^-?\d+$/.test(String(value))
        ? []
        : [`${where}: expected an integer (number or decimal string)`];
  }
  // A type declared inside the message (Operation.Status) wins over a top-level one of that name.
  const node = scope.nested?.[type] ?? description.types[type];
  if (node?.values) {
    return typeof value === "string" && value in node.values
      ? []
      : [`${where}: ${JSON.stringify(value)} is not a ${type} value`];
  }
  if (node && node !== description.types[type])
    return checkNode(description, node, type, value, where);
  return checkMessage(description, type, value, where);
}

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
