// The fake's Cloud Storage JSON API: multipart and resumable uploads (with Content-Range and 308
// answers, as the resumable protocol documents), object metadata and deletion, checksums as GCS
// computes them.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { appendFile, rm, stat, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { CRC32C } from "@google-cloud/storage";
import type { FakeState, StoredObject } from "./state.ts";
import { takeInjection } from "./state.ts";

/** One storage request, routed and checked by the server. */
export interface StorageCall {
  route: string;
  params: Record<string, string>;
  query: URLSearchParams;
  req: IncomingMessage;
  res: ServerResponse;
  baseUrl: string;
  violations: string[];
}

/** Sends a JSON API error. */
export function storageError(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(
    JSON.stringify({ error: { code, message, errors: [{ domain: "global", reason, message }] } }),
  );
}

/** Handles an object request; answers 404 for buckets other than the fake's own. */
export async function handleStorage(
  state: FakeState,
  bucket: string,
  call: StorageCall,
): Promise<void> {
  const { res, params } = call;
  if (params.bucket !== bucket)
    return storageError(res, 404, "notFound", `The specified bucket does not exist.`);
  const injected = takeInjection(state, call.route);
  if (injected?.status) {
    await drain(call.req);
    return storageError(res, injected.status, "backendError", "injected failure");
  }
  switch (call.route) {
    case "objects.get":
    case "objects.delete": {
      const key = `${bucket}/${params.object}`;
      const object = state.objects.get(key);
      if (!object) return storageError(res, 404, "notFound", `No such object: ${key}`);
      if (call.route === "objects.delete") {
        state.objects.delete(key);
        await rm(object.file, { force: true });
        res.writeHead(204).end();
        return;
      }
      return json(res, 200, objectResource(object, call.baseUrl));
    }
    case "objects.insert":
      return upload(state, bucket, call, injected);
    default:
      return storageError(res, 501, "notImplemented", `the fake does not serve ${call.route}`);
  }
}

async function upload(
  state: FakeState,
  bucket: string,
  call: StorageCall,
  injected: ReturnType<typeof takeInjection>,
): Promise<void> {
  const { req, res, query } = call;
  const type = query.get("uploadType");
  if (type === "multipart") {
    const body = await readAll(req);
    const boundary = /boundary="?([^";]+)"?/.exec(req.headers["content-type"] ?? "")?.[1];
    if (!boundary) return storageError(res, 400, "invalid", "multipart upload without a boundary");
    const parts = body.toString("latin1").split(`--${boundary}`).slice(1, -1);
    const [meta, media] = parts.map((p) => p.slice(p.indexOf("\r\n\r\n") + 4).replace(/\r\n$/, ""));
    const metadata = JSON.parse(meta ?? "{}") as { name?: string };
    const name = query.get("name") ?? metadata.name;
    if (!name) return storageError(res, 400, "required", "Required parameter: name");
    const file = join(state.dir, `object-${randomBytes(6).toString("hex")}`);
    await writeFile(file, Buffer.from(media ?? "", "latin1"));
    return json(
      res,
      200,
      objectResource(await storeObject(state, bucket, name, file), call.baseUrl),
    );
  }
  if (type !== "resumable")
    return storageError(res, 400, "invalid", `uploadType ${type} is not served`);
  const uploadId = query.get("upload_id");
  if (req.method === "POST" && !uploadId) {
    const metadata = JSON.parse((await readAll(req)).toString("utf8") || "{}") as { name?: string };
    const name = query.get("name") ?? metadata.name;
    if (!name) return storageError(res, 400, "required", "Required parameter: name");
    const id = randomBytes(12).toString("hex");
    const file = join(state.dir, `upload-${id}`);
    await writeFile(file, "");
    state.uploads.set(id, { id, bucket, name, file, received: 0 });
    const location = `${call.baseUrl}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`;
    res.writeHead(200, { location, "content-length": "0" }).end();
    return;
  }
  const session = uploadId ? state.uploads.get(uploadId) : undefined;
  if (!session || req.method !== "PUT")
    return storageError(res, 404, "notFound", "No such upload session");
  const range = /^bytes (\*|(\d+)-(\d+|\*))\/(\d+|\*)$/.exec(
    String(req.headers["content-range"] ?? ""),
  );
  if (!range) {
    call.violations.push(
      `resumable PUT with Content-Range ${String(req.headers["content-range"])}`,
    );
    return storageError(res, 400, "invalid", "bad Content-Range");
  }
  const total = range[4] === "*" ? undefined : Number(range[4]);
  if (range[1] !== "*") {
    const first = Number(range[2]);
    if (first !== session.received) {
      await drain(req);
      return incomplete(res, session.received);
    }
    let budget = injected?.breakAfterBytes ?? Infinity;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      const part = chunk.subarray(0, Math.max(0, budget));
      budget -= chunk.length;
      await appendFile(session.file, part);
      session.received += part.length;
      if (budget < 0) {
        // The connection breaks mid-upload, as a flaky network does; what arrived is kept.
        req.socket.destroy();
        return;
      }
    }
    const last =
      range[3] === "*"
        ? total === undefined || session.received === total
        : Number(range[3]) + 1 === total;
    if (!last) return incomplete(res, session.received);
  } else if (total === undefined || session.received !== total) {
    await drain(req);
    return incomplete(res, session.received);
  }
  state.uploads.delete(session.id);
  const object = await storeObject(state, bucket, session.name, session.file);
  const hash = String(req.headers["x-goog-hash"] ?? "");
  const sent = /crc32c=([^,]+)/.exec(hash)?.[1];
  if (sent && sent !== object.crc32c)
    return storageError(
      res,
      400,
      "invalid",
      `crc32c mismatch: sent ${sent}, stored ${object.crc32c}`,
    );
  return json(res, 200, objectResource(object, call.baseUrl));
}

function incomplete(res: ServerResponse, received: number): void {
  res.writeHead(
    308,
    received > 0
      ? { range: `bytes=0-${received - 1}`, "content-length": "0" }
      : { "content-length": "0" },
  );
  res.end();
}

async function storeObject(
  state: FakeState,
  bucket: string,
  name: string,
  file: string,
): Promise<StoredObject> {
  const md5 = createHash("md5");
  const crc = new CRC32C();
  for await (const chunk of createReadStream(file)) {
    md5.update(chunk as Buffer);
    crc.update(chunk as Buffer);
  }
  const previous = state.objects.get(`${bucket}/${name}`);
  if (previous) await rm(previous.file, { force: true });
  const object: StoredObject = {
    bucket,
    name,
    file,
    size: (await stat(file)).size,
    md5Hash: md5.digest("base64"),
    crc32c: crc.toString(),
    generation: String(Date.now() * 1000),
    timeCreated: new Date().toISOString(),
  };
  state.objects.set(`${bucket}/${name}`, object);
  return object;
}

/** An object as the JSON API describes it. */
export function objectResource(object: StoredObject, baseUrl: string): Record<string, unknown> {
  const path = `b/${object.bucket}/o/${encodeURIComponent(object.name)}`;
  return {
    kind: "storage#object",
    id: `${object.bucket}/${object.name}/${object.generation}`,
    selfLink: `${baseUrl}/storage/v1/${path}`,
    mediaLink: `${baseUrl}/download/storage/v1/${path}?generation=${object.generation}&alt=media`,
    name: object.name,
    bucket: object.bucket,
    generation: object.generation,
    metageneration: "1",
    contentType: "application/gzip",
    storageClass: "STANDARD",
    size: String(object.size),
    md5Hash: object.md5Hash,
    crc32c: object.crc32c,
    etag: object.md5Hash,
    timeCreated: object.timeCreated,
    updated: object.timeCreated,
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
  res.end(JSON.stringify(body));
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const chunk of req as AsyncIterable<Buffer>) void chunk;
}
