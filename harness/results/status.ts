// Cell statuses, how a finished attempt earns one, and the run's exit code from them.
import { EXIT } from "../errors.ts";
import { isFailing, type TapSummary, type TestPoint } from "./tap.ts";
import { expectsFailure } from "./tap-point.ts";
import { kernelErrorReasons, kernelFailReasons } from "./kernel-findings.ts";
import type { KernelFindingRecord } from "./run-record.ts";

/** The status of a cell, as in the run record. */
export type Status = "pass" | "fail" | "error" | "timeout" | "skip" | "cancel" | "flaky";

/** All statuses, in report order. */
export const STATUSES: readonly Status[] = [
  "fail",
  "timeout",
  "error",
  "flaky",
  "cancel",
  "skip",
  "pass",
];

/** What one attempt produced, before it is judged. */
export interface AttemptOutcome {
  /** Exit code of the driven program (script exit code, guest exit), when there was one. */
  exitCode?: number | null;
  signal?: string | null;
  tap: TapSummary;
  expect?: { plan?: number; tests?: readonly string[] };
  timedOut?: boolean;
  cancelled?: boolean;
  /** Failures found outside the results (a container's exit status, …). */
  failures?: readonly string[];
  /** An infrastructure or boot problem that kept the test from giving a verdict. */
  infraError?: string;
  /** Kernel reports read off the console; they fail (or, panics and a wedged kernel, error) the cell. */
  kernelFindings?: readonly KernelFindingRecord[];
  /**
   * Where results had to come from, for drivers whose only verdict is the results (an image's
   * results channel): reporting nothing there fails the cell instead of passing on an exit code.
   */
  resultsRequired?: string;
}

/** A status and the reasons behind it, most telling first. */
export interface Verdict {
  status: Exclude<Status, "flaky">;
  reasons: string[];
}

/** rtf's exit code for "cancelled". */
export const CANCEL_EXIT_CODE = 253;

/** Judges one attempt. */
export function judge(outcome: AttemptOutcome): Verdict {
  if (outcome.cancelled) return { status: "cancel", reasons: ["cancelled"] };
  if (outcome.timedOut)
    return { status: "timeout", reasons: ["deadline passed", ...failureReasons(outcome)] };
  if (outcome.infraError) return { status: "error", reasons: [outcome.infraError] };
  // A panic or lockup whose line came too late to end the drive still makes the cell an error.
  const kernelErrors = kernelErrorReasons(outcome.kernelFindings ?? []);
  if (kernelErrors.length > 0) return { status: "error", reasons: kernelErrors };
  if (outcome.exitCode === CANCEL_EXIT_CODE)
    return { status: "cancel", reasons: ["the test cancelled itself (exit 253)"] };
  const reasons = failureReasons(outcome);
  const { tap } = outcome;
  // Plan counts mean nothing in a stream the reader could not place: unreadable (error), not failed.
  if (tap.parseProblems.length > 0 && reasons.length === tap.planProblems.length)
    return { status: "error", reasons: [...tap.parseProblems, ...reasons] };
  if (reasons.length > 0) return { status: "fail", reasons: [...reasons, ...tap.parseProblems] };
  if (tap.skipAll !== undefined) return { status: "skip", reasons: [tap.skipAll] };
  return { status: "pass", reasons: [] };
}

function failureReasons(outcome: AttemptOutcome): string[] {
  const reasons: string[] = [];
  if (outcome.signal) reasons.push(`killed by ${outcome.signal}`);
  else if (outcome.exitCode !== undefined && outcome.exitCode !== null && outcome.exitCode !== 0) {
    reasons.push(`exit code ${outcome.exitCode}`);
  }
  if (outcome.tap.bailOut !== undefined) reasons.push(`bail out: ${outcome.tap.bailOut}`);
  reasons.push(
    ...failingTests(outcome.tap.tests).map(
      (p) => `${p.outcome}: ${p.path.join(" > ")}${p.reason ? ` (${p.reason})` : ""}`,
    ),
  );
  reasons.push(...outcome.tap.planProblems);
  reasons.push(...(outcome.failures ?? []));
  // After the failures outside the results: a container that died says more than its silence.
  if (outcome.resultsRequired !== undefined && outcome.tap.format === "none") {
    reasons.push(`no results: nothing was reported on ${outcome.resultsRequired}`);
  }
  reasons.push(...kernelFailReasons(outcome.kernelFindings ?? []));
  if (outcome.expect) reasons.push(...expectationProblems(outcome.tap, outcome.expect));
  return reasons;
}

/** Failing test points at any depth, but not under a TODO or XFAIL point, which expects them. */
export function failingTests(points: readonly TestPoint[]): TestPoint[] {
  return points.flatMap((point) => [
    ...(isFailing(point.outcome) ? [point] : []),
    ...(expectsFailure(point.outcome) ? [] : failingTests(point.children)),
  ]);
}

/** Expected plan and test names that the results do not show. */
export function expectationProblems(
  tap: TapSummary,
  expect: { plan?: number; tests?: readonly string[] },
): string[] {
  const problems: string[] = [];
  if (expect.plan !== undefined && tap.skipAll === undefined && tap.tests.length !== expect.plan) {
    problems.push(`expected ${expect.plan} tests, ${tap.tests.length} reported`);
  }
  const seen = new Set<string>();
  const visit = (point: TestPoint) => {
    seen.add(point.path.join(" > "));
    point.children.forEach(visit);
  };
  tap.tests.forEach(visit);
  for (const name of expect.tests ?? []) {
    if (!seen.has(name) && tap.skipAll === undefined) problems.push(`missing test: ${name}`);
  }
  return problems;
}

/** The run's exit code: 1 when a test failed, else 3 for infrastructure errors, else 0. */
export function exitCodeFor(statuses: readonly Status[]): number {
  if (statuses.some((s) => s === "fail" || s === "timeout")) return EXIT.testFailed;
  if (statuses.some((s) => s === "error")) return EXIT.infrastructure;
  return EXIT.ok;
}

/** Counts of each status. */
export function countStatuses(statuses: readonly Status[]): Record<Status, number> {
  const counts: Record<Status, number> = {
    pass: 0,
    fail: 0,
    error: 0,
    timeout: 0,
    skip: 0,
    cancel: 0,
    flaky: 0,
  };
  for (const status of statuses) counts[status]++;
  return counts;
}
