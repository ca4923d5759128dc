// GcpApi over Google's client libraries: @google-cloud/compute for images, instances and serial
// output, @google-cloud/storage for the disk upload. Credentials come from Application Default
// Credentials; the endpoints from the settings, so a local server can stand in for Google.
import { stat } from "node:fs/promises";
import {
  GlobalOperationsClient,
  ImagesClient,
  InstancesClient,
  ZoneOperationsClient,
  type protos,
} from "@google-cloud/compute";
import { Storage } from "@google-cloud/storage";
import { DEFAULT_ENDPOINTS, type GcpSettings } from "./settings.ts";
import { isNotFound, type GcpApi, type GcpImage, type GcpInstance } from "./api.ts";
import { waitForOperation, type OperationPoller } from "./operation.ts";

type Operation = protos.google.cloud.compute.v1.IOperation;

/** Uploads above this size use a resumable session, so a broken connection resumes, not restarts. */
const RESUMABLE_ABOVE_BYTES = 8 * 1024 * 1024;

/** A GcpApi talking to the services named in `settings`. */
export function createSdkApi(settings: GcpSettings): GcpApi {
  const endpoint = clientEndpoint(settings.computeEndpoint);
  const options = { ...endpoint, projectId: settings.project };
  const images = new ImagesClient(options);
  const instances = new InstancesClient(options);
  const globalOps = new GlobalOperationsClient(options);
  const zoneOps = new ZoneOperationsClient(options);
  const storage = new Storage({
    apiEndpoint: settings.storageEndpoint.replace(/\/$/, ""),
    projectId: settings.project,
    useAuthWithCustomEndpoint: true,
    retryOptions: { autoRetry: true, maxRetries: 4 },
  });
  const bucket = storage.bucket(settings.bucket);
  const customStorageEndpoint =
    settings.storageEndpoint.replace(/\/$/, "") !== DEFAULT_ENDPOINTS.storage;
  const { project, zone } = settings;
  const globalPoller: OperationPoller = async (name) =>
    (await globalOps.wait({ project, operation: name }))[0];
  const zonePoller: OperationPoller = async (name) =>
    (await zoneOps.wait({ project, zone, operation: name }))[0];

  return {
    async getImage(name) {
      try {
        return toImage((await images.get({ project, image: name }))[0]);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async createImage(image, signal) {
      const [op] = await images.insert({
        project,
        imageResource: {
          name: image.name,
          labels: image.labels,
          rawDisk: { source: image.sourceUri },
          ...(image.family ? { family: image.family } : {}),
        },
      });
      await waitForOperation(latest(op), globalPoller, signal);
    },
    async deleteImage(name) {
      try {
        const [op] = await images.delete({ project, image: name });
        await waitForOperation(latest(op), globalPoller);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
    async listImages(filter) {
      const [list] = await images.list({ project, filter });
      return list.map(toImage);
    },
    async upload(file, object, signal) {
      const size = (await stat(file)).size;
      signal?.throwIfAborted();
      const destination = bucket.file(object);
      if (customStorageEndpoint) {
        // The library drops useAuthWithCustomEndpoint on resumable uploads (File#startResumableUpload_),
        // so those would go out unauthenticated to any endpoint but Google's; the token goes in by hand.
        const token = await storage.authClient.getAccessToken();
        destination.interceptors.push({
          request: (options) => {
            options.headers = { ...options.headers, Authorization: `Bearer ${token}` };
            return options as Parameters<typeof destination.interceptors.push>[0] extends {
              request: (o: never) => infer R;
            }
              ? R
              : never;
          },
        });
      }
      await bucket.upload(file, {
        destination,
        resumable: size > RESUMABLE_ABOVE_BYTES,
        contentType: "application/gzip",
        metadata: { contentType: "application/gzip" },
      });
      return `${settings.storageEndpoint.replace(/\/$/, "")}/${settings.bucket}/${object}`;
    },
    async deleteObject(object) {
      await bucket.file(object).delete({ ignoreNotFound: true });
    },
    async createInstance(spec, signal) {
      const [op] = await instances.insert({
        project,
        zone,
        instanceResource: {
          name: spec.name,
          machineType: `zones/${zone}/machineTypes/${spec.machineType}`,
          labels: spec.labels,
          metadata: {
            items: Object.entries(spec.metadata).map(([key, value]) => ({ key, value })),
          },
          disks: [
            {
              boot: true,
              autoDelete: true,
              initializeParams: { sourceImage: `global/images/${spec.image}` },
            },
          ],
          networkInterfaces: [
            {
              network: "global/networks/default",
              accessConfigs: [{ name: "External NAT", type: "ONE_TO_ONE_NAT" }],
            },
          ],
        },
      });
      await waitForOperation(latest(op), zonePoller, signal);
    },
    async getInstance(name) {
      try {
        return toInstance((await instances.get({ project, zone, instance: name }))[0]);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async deleteInstance(name) {
      try {
        const [op] = await instances.delete({ project, zone, instance: name });
        await waitForOperation(latest(op), zonePoller);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
    async listInstances(filter) {
      const [list] = await instances.list({ project, zone, filter });
      return list.map(toInstance);
    },
    async serialOutput(instance, port, start) {
      const [output] = await instances.getSerialPortOutput({
        project,
        zone,
        instance,
        port,
        start,
      });
      return {
        contents: output.contents ?? "",
        start: Number(output.start ?? start),
        next: Number(output.next ?? start),
      };
    },
  };
}

/** The Compute client options that point it at `url` (https://compute.googleapis.com by default). */
export function clientEndpoint(url: string): {
  apiEndpoint: string;
  port: number;
  protocol: string;
} {
  const parsed = new URL(url);
  const protocol = parsed.protocol.replace(":", "");
  return {
    apiEndpoint: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : protocol === "http" ? 80 : 443,
    protocol,
  };
}

function latest(op: { latestResponse?: unknown }): Operation {
  return op.latestResponse ?? {};
}

function toImage(image: protos.google.cloud.compute.v1.IImage): GcpImage {
  return {
    name: image.name ?? "",
    status: image.status ?? "",
    labels: { ...(image.labels ?? {}) },
    creationTimestamp: image.creationTimestamp ?? "",
  };
}

function toInstance(instance: protos.google.cloud.compute.v1.IInstance): GcpInstance {
  const natIP = instance.networkInterfaces?.[0]?.accessConfigs?.[0]?.natIP;
  return {
    name: instance.name ?? "",
    status: instance.status ?? "",
    labels: { ...(instance.labels ?? {}) },
    creationTimestamp: instance.creationTimestamp ?? "",
    ...(natIP ? { natIP } : {}),
  };
}
