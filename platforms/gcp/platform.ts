// Google Compute Engine: the gcp disk tarball pushed as an image (once per content hash), one
// instance per cell read through its serial ports, and everything the run created deleted again.
import { HarnessError, HarnessErrors } from "../../harness/errors.ts";
import type { BootRequest, BootedMachine, Platform, ProbeResult } from "../types.ts";
import type { GcpApi } from "./api.ts";
import { startInstance } from "./machine.ts";
import { instanceLabels, instanceName } from "./names.ts";
import { pushImage, type PushedImage } from "./push.ts";
import { resolveGcpSettings, type GcpSettings } from "./settings.ts";

export { resolveGcpSettings, type GcpSettings, type GcpConfig } from "./settings.ts";

const SUMMARY =
  "Google Compute Engine: the gcp disk image pushed, serial ports read through the API";

/** A GCP platform for one run: it owns the images it uploads and the instances it starts. */
export function createGcpPlatform(
  settings: GcpSettings,
  options: { runId: string; api?: GcpApi },
): Platform {
  const api = options.api ?? lazySdkApi(settings);
  const images = new Map<string, Promise<PushedImage>>();
  const instances = new Set<string>();

  const imageFor = (tarball: string, signal: AbortSignal): Promise<PushedImage> => {
    let pushed = images.get(tarball);
    if (!pushed) {
      pushed = pushImage(api, tarball, {
        runId: options.runId,
        ...(settings.family ? { family: settings.family } : {}),
        signal,
      });
      // A failed push is tried again by the next cell, not remembered.
      pushed.catch(() => images.delete(tarball));
      images.set(tarball, pushed);
    }
    return pushed;
  };

  return {
    name: "gcp",
    summary: SUMMARY,
    arches: ["x86_64"],
    formats: ["gcp"],
    noConsoleInput: NO_CONSOLE_INPUT,
    probe: (probeOptions) => probeApi(api, settings, probeOptions.signal),
    async boot(request: BootRequest): Promise<BootedMachine> {
      const tarball = request.image.disk;
      if (!tarball)
        throw new HarnessError("EGCPIMAGE", "gcp boots a gcp disk tarball and none was built", {
          hint: "build with --format gcp (harness run does this for --platform gcp)",
        });
      const image = await imageFor(tarball, request.signal);
      request.signal.throwIfAborted();
      const name = instanceName(options.runId);
      instances.add(name);
      return startInstance(request, {
        api,
        zone: settings.zone,
        spec: {
          name,
          image: image.name,
          machineType: settings.machineType,
          labels: instanceLabels(options.runId),
          metadata: {
            "serial-port-enable": "TRUE",
            ...(request.sshPublicKey ? { "ssh-keys": `root:${request.sshPublicKey}` } : {}),
          },
        },
        onDeleted: () => instances.delete(name),
      });
    },
    async close() {
      const errors: unknown[] = [];
      for (const name of instances)
        await api.deleteInstance(name).then(
          () => instances.delete(name),
          (error: unknown) => errors.push(error),
        );
      for (const pushed of images.values()) {
        const image = await pushed.catch(() => undefined);
        if (image?.created && !settings.keepImage)
          await api.deleteImage(image.name).catch((error: unknown) => errors.push(error));
      }
      images.clear();
      if (errors.length > 0)
        throw new HarnessError("EGCPCLEANUP", `cleaning up on GCP failed: ${String(errors[0])}`, {
          hint: "run `harness gcp gc` to remove what is left",
        });
    },
  };
}

// Google's client libraries take a while to load; commands that never touch GCP should not wait.
function lazySdkApi(settings: GcpSettings): GcpApi {
  let loaded: Promise<GcpApi> | undefined;
  const api = (): Promise<GcpApi> =>
    (loaded ??= import("./load-sdk.ts").then((m) => m.loadSdkApi(settings)));
  return new Proxy({} as GcpApi, {
    get:
      (_, method: keyof GcpApi) =>
      async (...args: unknown[]) =>
        ((await api())[method] as (...a: unknown[]) => Promise<unknown>)(...args),
  });
}

async function probeApi(
  api: GcpApi,
  settings: GcpSettings,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const details = [
    `project ${settings.project}, zone ${settings.zone}, bucket ${settings.bucket}`,
    `compute ${settings.computeEndpoint}, storage ${settings.storageEndpoint}`,
  ];
  try {
    const timeout = AbortSignal.timeout(15_000);
    const listing = api.listImages('labels.harness = "true"');
    await Promise.race([
      listing,
      new Promise((_, reject) =>
        (signal ? AbortSignal.any([signal, timeout]) : timeout).addEventListener("abort", () =>
          reject(new Error("no answer within 15 s")),
        ),
      ),
    ]);
    details.push("images.list answered: credentials and project work");
    return { available: true, arches: ["x86_64"], details };
  } catch (error) {
    return {
      available: false,
      arches: [],
      details,
      reason: `Compute Engine did not answer images.list: ${String(error).split("\n")[0]}; check Application Default Credentials (gcloud auth application-default login) and the project`,
    };
  }
}

/** Why a case with scripted console steps cannot run here. */
const NO_CONSOLE_INPUT =
  "Compute Engine takes console input only through its interactive serial console";

/** The registry's entry: configured from the environment; `harness run` makes one per run. */
export const gcpPlatform: Platform = {
  name: "gcp",
  summary: SUMMARY,
  arches: ["x86_64"],
  formats: ["gcp"],
  noConsoleInput: NO_CONSOLE_INPUT,
  async probe(options): Promise<ProbeResult> {
    let settings: GcpSettings;
    try {
      settings = resolveGcpSettings({}, {}, options.env);
    } catch (error) {
      const problems =
        error instanceof HarnessErrors ? error.errors.map((e) => e.message) : [String(error)];
      return {
        available: false,
        arches: [],
        details: [],
        reason: `not configured: ${problems.join("; ")}; set CLOUDSDK_CORE_PROJECT, CLOUDSDK_COMPUTE_ZONE and CLOUDSDK_IMAGE_BUCKET (or gcp: in harness.yml) and Application Default Credentials`,
      };
    }
    return probeApi(lazySdkApi(settings), settings, options.signal);
  },
  boot(): Promise<BootedMachine> {
    return Promise.reject(
      new HarnessError("EGCPCONFIG", "gcp cells need a run's GCP settings", {
        hint: "use harness run --platform gcp, which reads --gcp-* flags, harness.yml and CLOUDSDK_*",
      }),
    );
  },
};
