// The few Compute Engine and Cloud Storage calls the GCP platform makes, as a narrow interface:
// the platform and `harness gcp gc` depend on this, never on the SDKs' types.

/** An image as the platform sees it. */
export interface GcpImage {
  name: string;
  /** PENDING, READY, FAILED, … */
  status: string;
  labels: Record<string, string>;
  creationTimestamp: string;
}

/** An instance as the platform sees it. */
export interface GcpInstance {
  name: string;
  /** PROVISIONING, STAGING, RUNNING, STOPPING, TERMINATED, … */
  status: string;
  labels: Record<string, string>;
  creationTimestamp: string;
  /** The external (NAT) address of its first interface, once it has one. */
  natIP?: string;
}

/** What an instance is created with. */
export interface InstanceSpec {
  name: string;
  image: string;
  machineType: string;
  labels: Record<string, string>;
  /** Metadata items: serial-port-enable, ssh-keys, … */
  metadata: Record<string, string>;
}

/** One read of a serial port: `contents` are the bytes from `start` up to `next`. */
export interface SerialChunk {
  contents: string;
  start: number;
  next: number;
}

/** The Compute Engine and Cloud Storage operations the platform uses; each waits for its operation. */
export interface GcpApi {
  /** The image called `name`, or undefined when there is none. */
  getImage(name: string): Promise<GcpImage | undefined>;
  /** Creates an image from a disk tarball in Cloud Storage and waits until it is ready. */
  createImage(
    image: { name: string; sourceUri: string; labels: Record<string, string>; family?: string },
    signal?: AbortSignal,
  ): Promise<void>;
  /** Deletes an image and waits; a missing image is not an error. */
  deleteImage(name: string): Promise<void>;
  /** Images whose labels match `filter` (a Compute Engine list filter). */
  listImages(filter: string): Promise<GcpImage[]>;
  /** Uploads a file to the bucket (resumably when large); resolves to the object's URL for `rawDisk.source`. */
  upload(file: string, object: string, signal?: AbortSignal): Promise<string>;
  /** Deletes an object from the bucket; a missing object is not an error. */
  deleteObject(object: string): Promise<void>;
  /** Creates an instance and waits until the insert operation is done. */
  createInstance(spec: InstanceSpec, signal?: AbortSignal): Promise<void>;
  /** The instance called `name`, or undefined when there is none. */
  getInstance(name: string): Promise<GcpInstance | undefined>;
  /** Deletes an instance and waits; a missing instance is not an error. */
  deleteInstance(name: string): Promise<void>;
  /** Instances in the zone whose labels match `filter`. */
  listInstances(filter: string): Promise<GcpInstance[]>;
  /** Serial port `port` (1–4) of an instance from byte `start`. */
  serialOutput(instance: string, port: number, start: number): Promise<SerialChunk>;
}

/** Whether an SDK error means "not found" (HTTP 404 or gRPC NOT_FOUND). */
export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** The HTTP status an SDK error stands for, where it says. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { code?: unknown; status?: unknown; statusCode?: unknown };
  for (const value of [e.statusCode, e.status, e.code])
    if (typeof value === "number" && value >= 100) return value;
  // gRPC codes, as google-gax maps HTTP answers onto them.
  const grpc: Record<number, number> = { 3: 400, 5: 404, 6: 409, 7: 403, 8: 429, 13: 500, 14: 503 };
  return typeof e.code === "number" ? grpc[e.code] : undefined;
}

/** An SDK error's message, whatever shape it came in (Error, a JSON API error body, a string). */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null) {
    const body = error as { message?: unknown; error?: { message?: unknown } };
    const message = body.message ?? body.error?.message;
    if (typeof message === "string") return message;
    return JSON.stringify(error);
  }
  return String(error);
}
