// Names and labels of what the harness creates on Compute Engine: every resource carries
// `harness=true` and its run id, so `harness gcp gc` finds leftovers of crashed runs.
import { randomBytes } from "node:crypto";

/** The label every harness resource carries. */
export const HARNESS_LABEL = "harness";

/** A label value from any text: lowercase letters, digits, `-` and `_`, at most 63 characters. */
export function labelValue(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .slice(0, 63);
}

/** A fresh instance name for a cell of `runId`: `harness-<run>-<random>`, a valid Compute Engine name. */
export function instanceName(runId: string): string {
  const run = labelValue(runId)
    .replace(/_/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `harness-${run ? `${run}-` : ""}${randomBytes(4).toString("hex")}`;
}

/** The labels of an instance of `runId`. */
export function instanceLabels(runId: string): Record<string, string> {
  return { [HARNESS_LABEL]: "true", "harness-run": labelValue(runId) };
}
