// The cell lifecycle declared as data: each phase, its default deadline, and whether it always runs.
import type { CaseTimeouts } from "../cases/types.ts";
import type { PhaseName } from "../results/stages.ts";

export type { PhaseName } from "../results/stages.ts";

/** One phase: its name, its deadline from the case's timeouts, and whether it runs after a failure. */
export interface PhaseSpec {
  name: PhaseName;
  deadlineMs(timeouts: CaseTimeouts): number | undefined;
  /** Teardown runs on every path: pass, fail, timeout, cancel, crash. */
  always: boolean;
}

const MINUTE = 60_000;

/** build → boot → drive → collect → teardown. */
export const LIFECYCLE: readonly PhaseSpec[] = [
  { name: "build", deadlineMs: (t) => t.buildMs ?? 30 * MINUTE, always: false },
  { name: "boot", deadlineMs: (t) => t.bootMs ?? 5 * MINUTE, always: false },
  // The drive phase is bounded by the cell's own deadline unless the case sets one.
  { name: "drive", deadlineMs: (t) => t.driveMs, always: false },
  { name: "collect", deadlineMs: () => MINUTE, always: false },
  { name: "teardown", deadlineMs: (t) => t.teardownMs ?? MINUTE, always: true },
];

/** Default deadline for a whole cell when neither the case nor --timeout sets one. */
export const DEFAULT_CELL_TIMEOUT_MS = 15 * MINUTE;
