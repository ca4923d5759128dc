// Cloud Storage's JSON API as Google publishes it, read from the client generated from its
// discovery document (@googleapis/storage): each method's path, verb, upload path, required and
// allowed parameters, and the fields of the resources it takes.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** One JSON API method, e.g. objects.insert: POST /storage/v1/b/{bucket}/o (upload: /upload/…). */
export interface StorageRoute {
  id: string;
  verb: string;
  pattern: RegExp;
  uploadPattern?: RegExp;
  pathParams: string[];
  requiredParams: string[];
  /** Query parameters it accepts, standard ones included. */
  allowedParams: Set<string>;
  /** Fields of its request body resource, when it takes one. */
  bodyFields?: Set<string>;
}

let cached: Promise<StorageRoute[]> | undefined;

/** Loads the routes once per process. */
export function loadStorageDescription(): Promise<StorageRoute[]> {
  cached ??= (async () => {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve("@googleapis/storage/package.json"));
    return parseGeneratedClient(await readFile(join(root, "v1.ts"), "utf8"));
  })();
  return cached;
}

/** Finds the route for a request; `upload` when the path is under /upload/. */
export function matchStorageRoute(
  routes: readonly StorageRoute[],
  verb: string,
  path: string,
): { route: StorageRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.verb !== verb) continue;
    const pattern = path.startsWith("/upload/") ? route.uploadPattern : route.pattern;
    const match = pattern?.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.pathParams.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] ?? "")));
    return { route, params };
  }
  return undefined;
}

function parseGeneratedClient(source: string): StorageRoute[] {
  const interfaces = new Map<string, Set<string>>();
  for (const m of source.matchAll(
    /(?:export )?interface ([\w$]+)(?: extends \w+)? \{([\s\S]*?)\n {2}\}/g,
  )) {
    const props = [...(m[2] ?? "").matchAll(/^ {4}'?([\w$]+)'?\??:/gm)].map((p) => p[1] as string);
    interfaces.set(m[1] as string, new Set(props));
  }
  const standard = [...(interfaces.get("StandardParameters") ?? [])].filter((p) => p !== "auth");
  const routes: StorageRoute[] = [];
  const blocks = source.split(/params = \{\} as /).slice(1);
  for (const block of blocks) {
    const paramsType = /^(Params\$Resource\$[\w$]+);/.exec(block)?.[1];
    const url = /url: \(rootUrl \+ '([^']+)'\)/.exec(block)?.[1];
    const verb = /method: '(\w+)'/.exec(block)?.[1];
    if (!paramsType || !url || !verb) continue;
    const mediaUrl = /mediaUrl: \(rootUrl \+ '([^']+)'\)/.exec(
      block.split("createAPIRequest")[0] ?? "",
    )?.[1];
    const list = (name: string): string[] =>
      [...(new RegExp(`${name}: \\[([^\\]]*)\\]`).exec(block)?.[1] ?? "").matchAll(/'(\w+)'/g)].map(
        (m) => m[1] as string,
      );
    const pathParams: string[] = [];
    const toPattern = (template: string): RegExp =>
      new RegExp(
        `^${template.replace(/\{([^}]+)\}/g, (_, name: string) => {
          if (!pathParams.includes(name)) pathParams.push(name);
          return "([^/]+)";
        })}$`,
      );
    const pattern = toPattern(url);
    const params = interfaces.get(paramsType) ?? new Set<string>();
    const bodyType = /requestBody\?: (Schema\$[\w$]+)/.exec(
      /export interface [\w$]+ extends StandardParameters \{[\s\S]*?\n {2}\}/.exec(
        source.slice(source.indexOf(`export interface ${paramsType} extends`)),
      )?.[0] ?? "",
    )?.[1];
    const id = paramsType.replace("Params$Resource$", "").replace(/\$/g, ".").toLowerCase();
    routes.push({
      id,
      verb,
      pattern,
      ...(mediaUrl ? { uploadPattern: toPattern(mediaUrl) } : {}),
      pathParams: list("pathParams"),
      requiredParams: list("requiredParams"),
      allowedParams: new Set(
        [...params, ...standard].filter((p) => p !== "requestBody" && p !== "media"),
      ),
      ...(bodyType ? { bodyFields: interfaces.get(bodyType) ?? new Set() } : {}),
    });
  }
  // Longer paths first, so /o/{object}/acl is not taken for /o/{object}.
  routes.sort((a, b) => b.pattern.source.length - a.pattern.source.length);
  return routes;
}
