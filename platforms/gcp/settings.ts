// Where and how cells run on Compute Engine: flags first, then harness.yml's `gcp:`, then the
// environment names LinuxKit's `push gcp` / `run gcp` read, then defaults.
import { inputError, throwAll, type HarnessError } from "../../harness/errors.ts";

/** Everything the GCP platform needs to know before it talks to Google. */
export interface GcpSettings {
  project: string;
  zone: string;
  bucket: string;
  machineType: string;
  /** The image family new images join, if any. */
  family?: string;
  /** Keep the images this run uploads (they are deleted at the end of the run otherwise). */
  keepImage: boolean;
  /** API roots; the real services unless overridden (a test server, a private endpoint). */
  computeEndpoint: string;
  storageEndpoint: string;
}

/** The `gcp:` section of harness.yml, as written. */
export interface GcpConfig {
  project?: string;
  zone?: string;
  bucket?: string;
  machineType?: string;
  family?: string;
  keepImage?: boolean;
  computeEndpoint?: string;
  storageEndpoint?: string;
}

/** Compute Engine's and Cloud Storage's public API roots. */
export const DEFAULT_ENDPOINTS = {
  compute: "https://compute.googleapis.com",
  storage: "https://storage.googleapis.com",
} as const;

/** LinuxKit's environment names (and the harness's own for the endpoints), by setting. */
export const GCP_ENV = {
  project: ["CLOUDSDK_CORE_PROJECT", "GOOGLE_CLOUD_PROJECT"],
  zone: ["CLOUDSDK_COMPUTE_ZONE"],
  bucket: ["CLOUDSDK_IMAGE_BUCKET"],
  machineType: ["CLOUDSDK_COMPUTE_MACHINE"],
  family: ["CLOUDSDK_IMAGE_FAMILY"],
  computeEndpoint: ["HARNESS_GCP_COMPUTE_ENDPOINT"],
  storageEndpoint: ["HARNESS_GCP_STORAGE_ENDPOINT"],
} as const;

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Settings from flags, the config file and the environment; every problem is reported at once. */
export function resolveGcpSettings(
  flags: GcpConfig,
  config: GcpConfig,
  env: Record<string, string | undefined>,
): GcpSettings {
  const pick = (key: keyof typeof GCP_ENV): string | undefined => {
    const given = flags[key] ?? config[key];
    if (typeof given === "string") return given;
    for (const name of GCP_ENV[key]) if (env[name]) return env[name];
    return undefined;
  };
  const errors: HarnessError[] = [];
  const required = (key: "project" | "zone" | "bucket", flag: string): string => {
    const value = pick(key);
    if (value) return value;
    errors.push(
      inputError("EGCPCONFIG", `--platform gcp needs a ${key} and none is set`, {
        hint: `pass --gcp-${flag}, set gcp.${key} in harness.yml, or export ${GCP_ENV[key][0]}`,
      }),
    );
    return "";
  };
  const settings: GcpSettings = {
    project: required("project", "project"),
    zone: required("zone", "zone"),
    bucket: required("bucket", "bucket"),
    machineType: pick("machineType") ?? "e2-small",
    keepImage: flags.keepImage ?? config.keepImage ?? false,
    computeEndpoint: pick("computeEndpoint") ?? DEFAULT_ENDPOINTS.compute,
    storageEndpoint: pick("storageEndpoint") ?? DEFAULT_ENDPOINTS.storage,
  };
  const family = pick("family");
  if (family) settings.family = family;
  for (const key of ["zone", "machineType", "family"] as const) {
    const value = settings[key];
    if (value && !NAME.test(value))
      errors.push(
        inputError(
          "EGCPCONFIG",
          `gcp ${key} ${JSON.stringify(value)} is not a Compute Engine name`,
          {
            hint: "names are lowercase letters, digits and dashes, starting with a letter (e.g. europe-west1-d)",
          },
        ),
      );
  }
  for (const key of ["computeEndpoint", "storageEndpoint"] as const) {
    if (!/^https?:\/\/[^/\s]+\/?$/.test(settings[key]))
      errors.push(
        inputError(
          "EGCPCONFIG",
          `gcp ${key} ${JSON.stringify(settings[key])} is not an API root URL`,
          {
            hint: `e.g. ${key === "computeEndpoint" ? DEFAULT_ENDPOINTS.compute : DEFAULT_ENDPOINTS.storage}`,
          },
        ),
      );
  }
  throwAll(errors);
  return settings;
}
