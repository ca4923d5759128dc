// The fake's Compute Engine: images from tarballs in the fake bucket, instances that are real qemu
// guests, long-running operations that finish a moment later, serial output by byte offset, and
// Compute Engine's error shapes (404 notFound, 409 alreadyExists, 400 invalid).
import { randomBytes } from "node:crypto";
import { copyFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { bootInstanceVm } from "./instance-vm.ts";
import {
  takeInjection,
  type FakeState,
  type StoredImage,
  type StoredInstance,
  type StoredOperation,
} from "./state.ts";

/** A routed compute request. */
export interface ComputeCall {
  route: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
  baseUrl: string;
  storageBaseUrl: string;
}

/** An answer: status and JSON body. */
export interface ComputeReply {
  status: number;
  body: Record<string, unknown>;
}

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const OP_DELAY_MS = 300;

/** Compute Engine's error body. */
export function computeError(status: number, reason: string, message: string): ComputeReply {
  return {
    status,
    body: { error: { code: status, message, errors: [{ message, domain: "global", reason }] } },
  };
}

/** Serves one compute call against the state. */
export async function handleCompute(state: FakeState, call: ComputeCall): Promise<ComputeReply> {
  const injected = takeInjection(state, call.route);
  if (injected?.status) return computeError(injected.status, "backendError", "injected failure");
  const { params } = call;
  if (params.project !== state.project)
    return computeError(404, "notFound", `The resource 'projects/${params.project}' was not found`);
  const base = `${call.baseUrl}/compute/v1/projects/${state.project}`;
  switch (call.route) {
    case "Images.Get": {
      const image = state.images.get(params.image ?? "");
      return image ? ok(imageResource(image, base)) : notFound(`global/images/${params.image}`);
    }
    case "Images.List":
      return listOf(
        call,
        "compute#imageList",
        [...state.images.values()].map((i) => imageResource(i, base)),
      );
    case "Images.Insert":
      return insertImage(state, call, base);
    case "Images.Delete": {
      const image = state.images.get(params.image ?? "");
      if (!image) return notFound(`global/images/${params.image}`);
      return ok(
        operation(
          state,
          base,
          undefined,
          "delete",
          `${base}/global/images/${image.name}`,
          async () => {
            state.images.delete(image.name);
            await rm(image.tarball, { force: true });
          },
        ),
      );
    }
    case "Instances.Get": {
      const instance = state.instances.get(params.instance ?? "");
      return instance
        ? ok(instanceResource(instance, base))
        : notFound(`zones/${params.zone}/instances/${params.instance}`);
    }
    case "Instances.List":
      return listOf(
        call,
        "compute#instanceList",
        [...state.instances.values()]
          .filter((i) => i.zone === params.zone)
          .map((i) => instanceResource(i, base)),
      );
    case "Instances.Insert":
      return insertInstance(state, call, base);
    case "Instances.Delete": {
      const instance = state.instances.get(params.instance ?? "");
      if (!instance) return notFound(`zones/${params.zone}/instances/${params.instance}`);
      instance.status = "STOPPING";
      return ok(
        operation(
          state,
          base,
          instance.zone,
          "delete",
          `${base}/zones/${instance.zone}/instances/${instance.name}`,
          async () => {
            await instance.vm?.destroy();
            state.instances.delete(instance.name);
          },
        ),
      );
    }
    case "Instances.GetSerialPortOutput":
      return serialOutput(state, call, base);
    case "GlobalOperations.Get":
    case "ZoneOperations.Get":
    case "GlobalOperations.Wait":
    case "ZoneOperations.Wait": {
      const op = state.operations.get(params.operation ?? "");
      if (!op) return notFound(`operations/${params.operation}`);
      if (call.route.endsWith("Wait"))
        await Promise.race([op.done, new Promise((resolve) => setTimeout(resolve, 5000))]);
      return ok(operationResource(op, base));
    }
    default:
      return computeError(501, "notImplemented", `the fake does not serve ${call.route}`);
  }
}

function insertImage(state: FakeState, call: ComputeCall, base: string): ComputeReply {
  const body = call.body ?? {};
  const name = text(body.name);
  const refused = refuseName(name, state.images.has(name), `${base}/global/images/${name}`);
  if (refused) return refused;
  const source = String((body.rawDisk as { source?: string } | undefined)?.source ?? "");
  const image: StoredImage = {
    id: String(state.nextId++),
    name,
    status: "PENDING",
    labels: (body.labels as Record<string, string> | undefined) ?? {},
    ...(typeof body.family === "string" ? { family: body.family } : {}),
    tarball: join(state.dir, `image-${name}.tar.gz`),
    creationTimestamp: new Date().toISOString(),
  };
  state.images.set(name, image);
  return ok(
    operation(state, base, undefined, "insert", `${base}/global/images/${name}`, async () => {
      const object = state.objects.get(objectKey(source, call.storageBaseUrl));
      if (!object) {
        image.status = "FAILED";
        throw Object.assign(
          new Error(`The resource '${source}' of type 'storage object' was not found`),
          { code: "RESOURCE_NOT_FOUND" },
        );
      }
      await copyFile(object.file, image.tarball);
      image.status = "READY";
    }),
  );
}

function insertInstance(state: FakeState, call: ComputeCall, base: string): ComputeReply {
  const body = call.body ?? {};
  const name = text(body.name);
  const zone = call.params.zone ?? "";
  const refused = refuseName(
    name,
    state.instances.has(name),
    `${base}/zones/${zone}/instances/${name}`,
  );
  if (refused) return refused;
  const disks =
    (body.disks as { boot?: boolean; initializeParams?: { sourceImage?: string } }[] | undefined) ??
    [];
  const sourceImage = disks.find((d) => d.boot)?.initializeParams?.sourceImage ?? "";
  const imageName = /(?:^|\/)global\/images\/([^/]+)$/.exec(sourceImage)?.[1] ?? "";
  const metadata = (
    (body.metadata as { items?: { key: string; value: string }[] } | undefined)?.items ?? []
  ).map((i) => ({ ...i }));
  const instance: StoredInstance = {
    id: String(state.nextId++),
    name,
    zone,
    status: "PROVISIONING",
    labels: (body.labels as Record<string, string> | undefined) ?? {},
    metadata,
    machineType: text(body.machineType),
    sourceImage,
    natIP: `127.0.0.${2 + (state.nextAddress++ % 250)}`,
    creationTimestamp: new Date().toISOString(),
  };
  state.instances.set(name, instance);
  state.inserted.push({ name, labels: instance.labels, metadata });
  return ok(
    operation(state, base, zone, "insert", `${base}/zones/${zone}/instances/${name}`, async () => {
      const image = state.images.get(imageName);
      if (!image || image.status !== "READY") {
        state.instances.delete(name);
        throw Object.assign(
          new Error(`The resource '${sourceImage}' was not found or is not ready`),
          { code: "RESOURCE_NOT_FOUND" },
        );
      }
      instance.status = "STAGING";
      const vm = await bootInstanceVm(
        image.tarball,
        join(state.dir, `instance-${name}`),
        instance.natIP,
      );
      instance.vm = vm;
      // Deleted while it booted: the guest goes too.
      if (state.instances.get(name) !== instance) return vm.destroy();
      instance.status = "RUNNING";
      void vm.exited.then(() => {
        if (state.instances.get(name) === instance && instance.status === "RUNNING")
          instance.status = "TERMINATED";
      });
    }),
  );
}

async function serialOutput(
  state: FakeState,
  call: ComputeCall,
  base: string,
): Promise<ComputeReply> {
  const instance = state.instances.get(call.params.instance ?? "");
  if (!instance) return notFound(`zones/${call.params.zone}/instances/${call.params.instance}`);
  const port = Number(call.query.get("port") ?? "1");
  if (!Number.isInteger(port) || port < 1 || port > 4)
    return computeError(
      400,
      "invalid",
      `Invalid value for field 'port': '${call.query.get("port")}'. Must be between 1 and 4.`,
    );
  if (!instance.vm)
    return computeError(400, "resourceNotReady", `The resource '${instance.name}' is not ready`);
  const start = Number(call.query.get("start") ?? "0");
  const chunk =
    port <= 2
      ? await instance.vm.serial(port, start, state.ringBytes)
      : { contents: "", start, next: start };
  return ok({
    kind: "compute#serialPortOutput",
    contents: chunk.contents,
    start: String(chunk.start),
    next: String(chunk.next),
    selfLink: `${base}/zones/${instance.zone}/instances/${instance.name}/serialPort`,
  });
}

function operation(
  state: FakeState,
  base: string,
  zone: string | undefined,
  type: string,
  targetLink: string,
  work: () => Promise<void>,
): Record<string, unknown> {
  const name = `operation-${Date.now()}-${randomBytes(4).toString("hex")}`;
  const op: StoredOperation = {
    id: String(state.nextId++),
    name,
    ...(zone ? { zone } : {}),
    operationType: type,
    targetLink,
    status: "RUNNING",
    insertTime: new Date().toISOString(),
    done: Promise.resolve(),
  };
  op.done = new Promise((resolve) => setTimeout(resolve, OP_DELAY_MS))
    .then(work)
    .catch((error: Error & { code?: string }) => {
      op.error = { errors: [{ code: error.code ?? "INTERNAL_ERROR", message: error.message }] };
      op.httpErrorStatusCode = 404;
    })
    .finally(() => {
      op.status = "DONE";
    });
  state.operations.set(name, op);
  return operationResource(op, base);
}

function operationResource(op: StoredOperation, base: string): Record<string, unknown> {
  const scope = op.zone ? `${base}/zones/${op.zone}` : `${base}/global`;
  return {
    kind: "compute#operation",
    id: op.id,
    name: op.name,
    ...(op.zone ? { zone: `${base}/zones/${op.zone}` } : {}),
    operationType: op.operationType,
    targetLink: op.targetLink,
    status: op.status,
    progress: op.status === "DONE" ? 100 : 0,
    insertTime: op.insertTime,
    selfLink: `${scope}/operations/${op.name}`,
    ...(op.error ? { error: op.error, httpErrorStatusCode: op.httpErrorStatusCode } : {}),
  };
}

function imageResource(image: StoredImage, base: string): Record<string, unknown> {
  return {
    kind: "compute#image",
    id: image.id,
    creationTimestamp: image.creationTimestamp,
    name: image.name,
    sourceType: "RAW",
    status: image.status,
    labels: image.labels,
    ...(image.family ? { family: image.family } : {}),
    selfLink: `${base}/global/images/${image.name}`,
  };
}

function instanceResource(instance: StoredInstance, base: string): Record<string, unknown> {
  const zone = `${base}/zones/${instance.zone}`;
  return {
    kind: "compute#instance",
    id: instance.id,
    creationTimestamp: instance.creationTimestamp,
    name: instance.name,
    machineType: instance.machineType.startsWith("http")
      ? instance.machineType
      : `${base}/${instance.machineType}`,
    status: instance.status,
    zone,
    labels: instance.labels,
    metadata: { kind: "compute#metadata", items: instance.metadata },
    networkInterfaces: [
      {
        kind: "compute#networkInterface",
        name: "nic0",
        network: `${base}/global/networks/default`,
        networkIP: "10.128.0.2",
        accessConfigs: [
          {
            kind: "compute#accessConfig",
            type: "ONE_TO_ONE_NAT",
            name: "External NAT",
            natIP: instance.natIP,
          },
        ],
      },
    ],
    selfLink: `${zone}/instances/${instance.name}`,
  };
}

function listOf(call: ComputeCall, kind: string, items: Record<string, unknown>[]): ComputeReply {
  const filter = call.query.get("filter");
  let kept = items;
  if (filter) {
    const match = /^labels\.([a-z0-9_-]+)\s*=\s*"?([a-z0-9_-]*)"?$/.exec(filter.trim());
    if (!match) return computeError(400, "invalid", `Invalid list filter expression '${filter}'.`);
    kept = items.filter(
      (i) => (i.labels as Record<string, string>)[match[1] as string] === match[2],
    );
  }
  return ok({ kind, id: "list", items: kept });
}

function objectKey(source: string, storageBaseUrl: string): string {
  for (const prefix of [`${storageBaseUrl}/`, "https://storage.googleapis.com/", "gs://"])
    if (source.startsWith(prefix)) return decodeURIComponent(source.slice(prefix.length));
  return source;
}

function ok(body: Record<string, unknown>): ComputeReply {
  return { status: 200, body };
}

function notFound(what: string): ComputeReply {
  return computeError(404, "notFound", `The resource '${what}' was not found`);
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

// Compute Engine's answers to a bad or taken resource name.
function refuseName(name: string, taken: boolean, link: string): ComputeReply | undefined {
  if (!NAME.test(name))
    return computeError(400, "invalid", `Invalid value for field 'resource.name': '${name}'`);
  if (taken) return computeError(409, "alreadyExists", `The resource '${link}' already exists`);
  return undefined;
}
