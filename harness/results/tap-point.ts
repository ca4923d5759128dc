// A TAP/KTAP test point: how it ended, its subtests, and which outcomes fail a run.
import type { Directive, TapLine } from "./tap-line.ts";

/** How a single test point ended. */
export type Outcome = "pass" | "fail" | "skip" | "todo" | "xfail" | "timeout" | "error";

/** A test point with its subtests. */
export interface TestPoint {
  id: number;
  name: string;
  /** Names from the top level down, joined with " > " in reports and expectations. */
  path: string[];
  outcome: Outcome;
  reason?: string;
  children: TestPoint[];
  /** The point's line in the stream (1 = its first line, as in results.tap). */
  line?: number;
  /** When its line arrived, in ms on the console's clock (console.log's "[+ s]" offsets), where known. */
  atMs?: number;
  /** A failing point's comment and YAML lines, as printed (capped; results.tap has them all). */
  diagnostics?: string[];
}

const FAILING: ReadonlySet<Outcome> = new Set(["fail", "timeout", "error"]);

/** True for outcomes that make a test run fail. */
export function isFailing(outcome: Outcome): boolean {
  return FAILING.has(outcome);
}

/** True for outcomes whose subtests are expected to fail (TODO, XFAIL). */
export function expectsFailure(outcome: Outcome): boolean {
  return outcome === "todo" || outcome === "xfail";
}

/** The test point a test line reports; its path is set once the tree is whole. */
export function pointFromLine(
  line: Extract<TapLine, { kind: "test" }>,
  id: number,
  lineNo: number,
): TestPoint {
  const point: TestPoint = {
    id,
    name: line.name,
    path: [],
    outcome: outcomeOf(line.ok, line.directive),
    children: [],
    line: lineNo,
  };
  if (line.reason !== undefined) point.reason = line.reason;
  return point;
}

function outcomeOf(ok: boolean, directive: Directive | undefined): Outcome {
  if (directive === undefined) return ok ? "pass" : "fail";
  // An XFAIL test that passed is an unexpected pass, reported as a pass.
  if (directive === "xfail") return ok ? "pass" : "xfail";
  return directive;
}

/** Fails a point whose subtests failed, whatever its own line said; TODO and XFAIL points expect it. */
export function bubbleUp(point: TestPoint): void {
  const failed = point.children.filter((child) => isFailing(child.outcome));
  if (failed.length === 0 || isFailing(point.outcome) || expectsFailure(point.outcome)) return;
  point.outcome = "fail";
  point.reason = `failed subtests: ${failed.map((child) => child.name).join(", ")}`;
}

/** Sets every point's path from the top level down. */
export function setPaths(points: readonly TestPoint[], parentPath: readonly string[] = []): void {
  for (const point of points) {
    point.path = [...parentPath, point.name];
    setPaths(point.children, point.path);
  }
}
