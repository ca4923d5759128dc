// Leftovers of runs that could not clean up (the harness killed, a machine lost): every instance
// and image labelled harness=true older than an age, deleted.
import type { GcpApi } from "./api.ts";
import { HARNESS_LABEL } from "./names.ts";

/** What a garbage collection found and removed (or would remove, on a dry run). */
export interface GcReport {
  instances: string[];
  images: string[];
}

/** Deletes harness instances, then images, created more than `olderThanMs` before `now`. */
export async function collectGarbage(
  api: GcpApi,
  options: { olderThanMs: number; dryRun?: boolean; now?: Date },
): Promise<GcReport> {
  const cutoff = (options.now ?? new Date()).getTime() - options.olderThanMs;
  const filter = `labels.${HARNESS_LABEL} = "true"`;
  const old = (created: string): boolean => {
    const at = Date.parse(created);
    return Number.isNaN(at) || at <= cutoff;
  };
  const instances = (await api.listInstances(filter))
    .filter((i) => i.labels[HARNESS_LABEL] === "true" && old(i.creationTimestamp))
    .map((i) => i.name);
  const images = (await api.listImages(filter))
    .filter((i) => i.labels[HARNESS_LABEL] === "true" && old(i.creationTimestamp))
    .map((i) => i.name);
  if (!options.dryRun) {
    // Instances first: an image in use by a booting instance is not deleted before it.
    await Promise.all(instances.map((name) => api.deleteInstance(name)));
    await Promise.all(images.map((name) => api.deleteImage(name)));
  }
  return { instances, images };
}
