// Flags shared by the commands that select cases: --cases, -l/--labels.
import type { FlagSpec } from "../util/args.ts";

/** --cases DIR. */
export const CASES_FLAG: FlagSpec = {
  name: "cases",
  type: "string",
  valueName: "DIR",
  description: "folder of test cases (default: cases/)",
};

/** -l LABELS in rtf's syntax. */
export const LABELS_FLAG: FlagSpec = {
  name: "labels",
  short: "l",
  type: "string",
  valueName: "LABELS",
  description: 'labels to set or unset, e.g. "kernel,!slow" (host labels are added)',
};
