// What a conformance fixture must give: the verdict's status, the outcome counts and the tree.
import type { Outcome } from "../../../harness/results/tap.ts";
import type { Status } from "../../../harness/results/status.ts";

/** One row of the conformance table. */
export interface Expected {
  status: Exclude<Status, "flaky">;
  /** Non-zero outcome counts over the whole tree. */
  counts: Partial<Record<Outcome, number>>;
  /** Every test point, depth first, as "path: outcome". */
  tree: string[];
  /** Each must match at least one of the verdict's reasons. */
  reasons?: RegExp[];
}
