// What the fake Compute Engine and Cloud Storage hold: objects, images, instances, operations,
// and the failures a test asked for.
import type { InstanceVm } from "./instance-vm.ts";

/** An object in a bucket; its bytes live in a file of the fake's folder. */
export interface StoredObject {
  bucket: string;
  name: string;
  file: string;
  size: number;
  md5Hash: string;
  crc32c: string;
  generation: string;
  timeCreated: string;
}

/** A resumable upload session. */
export interface UploadSession {
  id: string;
  bucket: string;
  name: string;
  file: string;
  received: number;
}

/** An image; `tarball` is the file it was created from. */
export interface StoredImage {
  id: string;
  name: string;
  status: "PENDING" | "READY" | "FAILED";
  labels: Record<string, string>;
  family?: string;
  tarball: string;
  creationTimestamp: string;
}

/** An instance and the qemu guest behind it. */
export interface StoredInstance {
  id: string;
  name: string;
  zone: string;
  status: "PROVISIONING" | "STAGING" | "RUNNING" | "STOPPING" | "TERMINATED";
  labels: Record<string, string>;
  metadata: { key: string; value: string }[];
  machineType: string;
  sourceImage: string;
  natIP: string;
  creationTimestamp: string;
  vm?: InstanceVm;
}

/** A long-running operation as Compute Engine reports it. */
export interface StoredOperation {
  id: string;
  name: string;
  zone?: string;
  operationType: string;
  targetLink: string;
  status: "PENDING" | "RUNNING" | "DONE";
  insertTime: string;
  error?: { errors: { code: string; message: string }[] };
  httpErrorStatusCode?: number;
  done: Promise<void>;
}

/** A failure a test plants: the next `times` requests to `route` get `status`, or lose their connection. */
export interface Injection {
  /** A Compute route id ("Instances.Insert") or a Storage one ("objects.insert"). */
  route: string;
  status?: number;
  /** For uploads: drop the connection after this many body bytes. */
  breakAfterBytes?: number;
  times: number;
}

/** The whole fake's state. */
export interface FakeState {
  dir: string;
  project: string;
  token: string;
  ringBytes: number;
  objects: Map<string, StoredObject>;
  uploads: Map<string, UploadSession>;
  images: Map<string, StoredImage>;
  instances: Map<string, StoredInstance>;
  operations: Map<string, StoredOperation>;
  injections: Injection[];
  /** Every instance ever inserted, kept after deletion so tests can see what was asked for. */
  inserted: {
    name: string;
    labels: Record<string, string>;
    metadata: { key: string; value: string }[];
  }[];
  nextId: number;
  nextAddress: number;
}

/** Takes a planted failure for `route`, if one is left. */
export function takeInjection(state: FakeState, route: string): Injection | undefined {
  const found = state.injections.find((i) => i.route === route && i.times > 0);
  if (found) found.times -= 1;
  return found;
}
