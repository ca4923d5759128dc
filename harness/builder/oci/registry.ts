// The OCI distribution client: pull images into the local store, push them from it.
export { pullImage, MANIFEST_ACCEPT } from "./pull.ts";
export { pushImage } from "./push.ts";
export { registryBaseUrl } from "./registry-session.ts";
export type { RegistryOptions } from "./registry-session.ts";
export type { RegistryCredentials } from "./auth.ts";
