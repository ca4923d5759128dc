// A stand-in for Google Cloud on loopback, for the services the tests cannot reach: Compute
// Engine, Cloud Storage and the metadata server's token endpoint (Application Default
// Credentials as on a GCE host). Every request is checked against Google's published API
// descriptions (compute.proto's HTTP rules and messages; Storage's discovery-generated client)
// and every answer against the documented response message; instances are real qemu guests.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import {
  checkMessage,
  loadComputeDescription,
  matchRoute,
  queryFields,
} from "./compute-description.ts";
import { loadStorageDescription, matchStorageRoute } from "./storage-description.ts";
import { computeError, handleCompute } from "./compute-handlers.ts";
import { handleStorage, storageError } from "./storage-handlers.ts";
import type { FakeState, Injection, StoredImage, StoredInstance, StoredObject } from "./state.ts";

/** A request as the fake saw it. */
export interface GcpRequest {
  method: string;
  path: string;
  route: string;
  status: number;
}

/** A running fake; `stop()` kills every instance's guest and removes its files. */
export interface FakeGcp extends AsyncDisposable {
  url: string;
  project: string;
  zone: string;
  bucket: string;
  /** Environment for a harness process that should use the fake (credentials, endpoints, settings). */
  env: Record<string, string>;
  requests: GcpRequest[];
  /** Requests and answers that broke the published descriptions; a test expects none. */
  violations: string[];
  images(): StoredImage[];
  instances(): StoredInstance[];
  objects(): StoredObject[];
  /** Every instance inserted, with its labels and metadata, deleted ones included. */
  inserted(): FakeState["inserted"];
  /** Plants a failure: the next `times` calls of `route` fail with `status` or lose their connection. */
  inject(injection: Injection): void;
  stop(): Promise<void>;
}

/** Standard query parameters every Google API accepts. */
const SYSTEM_PARAMS = new Set([
  "$alt",
  "alt",
  "fields",
  "key",
  "prettyPrint",
  "quotaUser",
  "$.xgafv",
  "$prettyPrint",
]);

/** Starts the fake on 127.0.0.1 with one project, zone and bucket. */
export async function startFakeGcp(options: { ringBytes?: number } = {}): Promise<FakeGcp> {
  const [compute, storage] = await Promise.all([
    loadComputeDescription(),
    loadStorageDescription(),
  ]);
  const project = "harness-test";
  const zone = "europe-west1-d";
  const bucket = "harness-images";
  const state: FakeState = {
    dir: await mkdtemp(join(tmpdir(), "fake-gcp-")),
    project,
    token: `ya29.${randomBytes(16).toString("hex")}`,
    ringBytes: options.ringBytes ?? 1024 * 1024,
    objects: new Map(),
    uploads: new Map(),
    images: new Map(),
    instances: new Map(),
    operations: new Map(),
    injections: [],
    inserted: [],
    nextId: 4_000_000_000,
    nextAddress: 0,
  };
  const requests: GcpRequest[] = [];
  const violations: string[] = [];
  const sockets = new Set<Socket>();
  let baseUrl = "";

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", baseUrl);
    const record: GcpRequest = {
      method: req.method ?? "",
      path: url.pathname,
      route: "",
      status: 0,
    };
    requests.push(record);
    res.on("finish", () => (record.status = res.statusCode));
    if (url.pathname.startsWith("/computeMetadata/")) return metadata(req, res, url, state);
    if (req.headers.authorization !== `Bearer ${state.token}`) {
      violations.push(`${req.method} ${url.pathname}: no valid bearer token`);
      res.writeHead(401, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: {
            code: 401,
            message: "Request is missing required authentication credential.",
            status: "UNAUTHENTICATED",
          },
        }),
      );
      return;
    }
    if (url.pathname.startsWith("/compute/")) {
      const found = matchRoute(compute, req.method ?? "", url.pathname);
      if (!found) {
        violations.push(`${req.method} ${url.pathname}: no such Compute Engine method`);
        return sendJson(res, computeError(404, "notFound", "no such method"));
      }
      record.route = found.route.id;
      const allowed = queryFields(compute, found.route);
      for (const key of url.searchParams.keys())
        if (!allowed.has(key) && !SYSTEM_PARAMS.has(key))
          violations.push(
            `${found.route.id}: query parameter ${key} is not in ${found.route.requestType}`,
          );
      const raw = await readBody(req);
      let body: Record<string, unknown> | undefined;
      if (found.route.bodyField) {
        body = JSON.parse(raw || "{}") as Record<string, unknown>;
        const bodyType =
          compute.types[found.route.requestType]?.fields?.[found.route.bodyField]?.type ?? "";
        violations.push(...checkMessage(compute, bodyType, body, `${found.route.id} body`));
      } else if (!["", '""', "{}", "null"].includes(raw.trim()))
        violations.push(
          `${found.route.id}: takes no body, got ${JSON.stringify(raw.slice(0, 80))}`,
        );
      const reply = await handleCompute(state, {
        route: found.route.id,
        params: found.params,
        query: url.searchParams,
        body,
        baseUrl,
        storageBaseUrl: baseUrl,
      });
      if (reply.status < 300)
        violations.push(
          ...checkMessage(
            compute,
            found.route.responseType,
            reply.body,
            `${found.route.id} answer`,
          ),
        );
      return sendJson(res, reply);
    }
    // A resumable session's PUTs follow the resumable upload protocol, not a JSON API method.
    const session = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    const found =
      req.method === "PUT" && session && url.searchParams.has("upload_id")
        ? matchStorageRoute(storage, "POST", url.pathname)
        : matchStorageRoute(storage, req.method ?? "", url.pathname);
    if (!found) {
      violations.push(`${req.method} ${url.pathname}: no such Cloud Storage method`);
      return storageError(res, 404, "notFound", "no such method");
    }
    record.route = found.route.id;
    const uploading = url.pathname.startsWith("/upload/");
    for (const key of url.searchParams.keys())
      if (!found.route.allowedParams.has(key) && !(uploading && key === "upload_id"))
        violations.push(
          `storage ${found.route.id}: query parameter ${key} is not in the description`,
        );
    for (const key of found.route.requiredParams)
      if (!found.params[key] && !url.searchParams.has(key) && !(key === "name" && uploading))
        violations.push(`storage ${found.route.id}: required parameter ${key} missing`);
    return handleStorage(state, bucket, {
      route: found.route.id,
      params: found.params,
      query: url.searchParams,
      req,
      res,
      baseUrl,
      violations,
    });
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      violations.push(`fake crashed on ${req.method} ${req.url}: ${String(error)}`);
      res.destroy();
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  baseUrl = `http://127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    for (const op of state.operations.values()) await op.done;
    await Promise.all(
      [...state.instances.values()].map((i) => i.vm?.destroy() ?? Promise.resolve()),
    );
    state.instances.clear();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(state.dir, { recursive: true, force: true });
  };
  return {
    url: baseUrl,
    project,
    zone,
    bucket,
    env: {
      GCE_METADATA_HOST: `127.0.0.1:${port}`,
      CLOUDSDK_CORE_PROJECT: project,
      CLOUDSDK_COMPUTE_ZONE: zone,
      CLOUDSDK_IMAGE_BUCKET: bucket,
      HARNESS_GCP_COMPUTE_ENDPOINT: baseUrl,
      HARNESS_GCP_STORAGE_ENDPOINT: baseUrl,
    },
    requests,
    violations,
    images: () => [...state.images.values()],
    instances: () => [...state.instances.values()],
    objects: () => [...state.objects.values()],
    inserted: () => [...state.inserted],
    inject: (injection) => state.injections.push({ ...injection }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

// The metadata server's part of Application Default Credentials on a GCE host.
function metadata(req: IncomingMessage, res: ServerResponse, url: URL, state: FakeState): void {
  const headers = { "metadata-flavor": "Google", "content-type": "application/json" };
  if (req.headers["metadata-flavor"] !== "Google") {
    res.writeHead(403, headers).end("Missing Metadata-Flavor:Google header.");
    return;
  }
  if (url.pathname === "/computeMetadata/v1/instance/service-accounts/default/token") {
    res
      .writeHead(200, headers)
      .end(JSON.stringify({ access_token: state.token, expires_in: 3599, token_type: "Bearer" }));
    return;
  }
  if (url.pathname === "/computeMetadata/v1/project/project-id") {
    res.writeHead(200, { ...headers, "content-type": "text/plain" }).end(state.project);
    return;
  }
  res.writeHead(200, { ...headers, "content-type": "text/plain" }).end("");
}

function sendJson(res: ServerResponse, reply: { status: number; body: unknown }): void {
  res.writeHead(reply.status, { "content-type": "application/json; charset=UTF-8" });
  res.end(JSON.stringify(reply.body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}
