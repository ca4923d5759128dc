// Google's client libraries are optional dependencies: loaded only when the gcp platform is used,
// and an install without them (npm i --omit=optional) says how to add them.
import { HarnessError } from "../../harness/errors.ts";
import type { GcpApi } from "./api.ts";
import type { GcpSettings } from "./settings.ts";

/** The GcpApi over Google's client libraries, loaded now; EGCPSDK when they are not installed. */
export async function loadSdkApi(settings: GcpSettings): Promise<GcpApi> {
  try {
    const { createSdkApi } = await import("./sdk-api.ts");
    return createSdkApi(settings);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND";
    if (!missing || !String((error as Error).message).includes("@google-cloud/")) throw error;
    throw new HarnessError("EGCPSDK", "the gcp platform needs Google's client libraries", {
      cause: error,
      hint: "install them: npm i @google-cloud/compute @google-cloud/storage (or reinstall the harness without --omit=optional)",
    });
  }
}
