// TAP 13/14 and KTAP v1 results through tap-parser: nested subtests, directives, bail out, plans.
import { Parser, type Result } from "tap-parser";
import { normalizeKtapLine } from "./ktap.ts";

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
}

/** Everything a TAP/KTAP stream said, reduced to what a verdict needs. */
export interface TapSummary {
  format: "tap" | "ktap" | "none";
  tests: TestPoint[];
  counts: Record<Outcome, number>;
  bailOut?: string;
  /** Plan errors: missing plan, wrong count. */
  planProblems: string[];
  /** Set for "1..0 # SKIP reason". */
  skipAll?: string;
}

interface FinalState {
  plan: { start: number | null; end: number | null; skipAll: boolean; skipReason: string };
  count: number;
  sawPlan: boolean;
}

const FAILING: ReadonlySet<Outcome> = new Set(["fail", "timeout", "error"]);

/** True for outcomes that make a test run fail. */
export function isFailing(outcome: Outcome): boolean {
  return FAILING.has(outcome);
}

const TAP_LINE =
  /^\s*(TAP version \d+|KTAP version \d+|\d+\.\.\d+|(not )?ok\b|Bail out!|# Subtest|#|---|\.\.\.|[a-zA-Z_]+:)/;

/** Streams console text into tap-parser; non-TAP lines before the stream starts are ignored. */
export class TapCollector {
  #parser: Parser;
  #pending = "";
  #format: TapSummary["format"] = "none";
  #tests: TestPoint[];
  #final: Promise<FinalState>;
  #bailOut: string | undefined;
  #tapLines: string[] = [];
  #tapBytes = 0;
  /** Upper bound on the TAP text kept for results.tap. */
  static readonly keepBytes = 4 * 1024 * 1024;

  constructor() {
    let resolveFinal: (value: Awaited<TapCollector["final"]>) => void = () => undefined;
    this.#final = new Promise((resolve) => (resolveFinal = resolve));
    this.#parser = new Parser({ bail: false }, (results) => {
      resolveFinal({
        plan: results.plan,
        count: results.count,
        sawPlan: this.#parser.planEnd !== -1,
      });
    });
    this.#parser.on("bailout", (reason: string) => (this.#bailOut = reason || "(no reason)"));
    this.#tests = collectPoints(this.#parser, []);
  }

  private get final() {
    return this.#final;
  }

  /** Feeds a chunk of output. */
  write(chunk: string): void {
    const text = this.#pending + chunk;
    const lines = text.split("\n");
    this.#pending = lines.pop() ?? "";
    for (const line of lines) this.#line(line);
  }

  /** The TAP lines seen, for results.tap (capped). */
  tapText(): string {
    return this.#tapLines.join("\n") + (this.#tapLines.length > 0 ? "\n" : "");
  }

  /** Ends the stream and summarises it. */
  async end(): Promise<TapSummary> {
    if (this.#pending !== "") this.#line(this.#pending);
    this.#pending = "";
    this.#parser.end();
    const final = await this.#final;
    return summarise(this.#format, this.#tests, final, this.#bailOut);
  }

  #line(raw: string): void {
    const line = raw.replace(/\r$/, "");
    if (this.#format === "none") {
      const start =
        /^\s*(K?TAP) version \d+\s*$/.exec(line) ?? (/^\d+\.\.\d+/.test(line) ? ["", "TAP"] : null);
      if (!start) return;
      this.#format = start[1] === "KTAP" ? "ktap" : "tap";
    }
    const normalized = this.#format === "ktap" ? normalizeKtapLine(line) : line;
    if (TAP_LINE.test(line) && this.#tapBytes < TapCollector.keepBytes) {
      this.#tapLines.push(line);
      this.#tapBytes += line.length + 1;
    }
    if (normalized !== undefined) this.#parser.write(`${normalized}\n`);
  }
}

/** Parses a whole TAP or KTAP text at once. */
export async function parseTap(text: string): Promise<TapSummary> {
  const collector = new TapCollector();
  collector.write(text);
  return collector.end();
}

// Subtest lines arrive before the test point that closes them, so each level keeps the
// points of its latest child parser until its own next assert claims them.
function collectPoints(parser: Parser, parentPath: string[]): TestPoint[] {
  const points: TestPoint[] = [];
  let childPoints: TestPoint[] | undefined;
  let childName: string | undefined;
  parser.on("child", (child: Parser) => {
    childName = child.name;
    childPoints = collectPoints(child, [...parentPath, child.name || "(subtest)"]);
  });
  parser.on("assert", (result: Result) => {
    const point = toPoint(result, parentPath);
    if (childPoints && (childName === undefined || childName === "" || childName === point.name)) {
      point.children = childPoints.map((c) => reparent(c, point.path));
    }
    childPoints = undefined;
    points.push(point);
  });
  return points;
}

function reparent(point: TestPoint, parentPath: string[]): TestPoint {
  const path = [...parentPath, point.name];
  return { ...point, path, children: point.children.map((c) => reparent(c, path)) };
}

const EXTRA_DIRECTIVE = /\s+#\s*(XFAIL|TIMEOUT|ERROR)\b:?\s*(.*)$/i;

function toPoint(result: Result, parentPath: string[]): TestPoint {
  let name = (result.name ?? "").replace(/^-\s*/, "").trim();
  let outcome: Outcome = result.ok ? "pass" : "fail";
  let reason: string | undefined;
  const extra = EXTRA_DIRECTIVE.exec(name);
  if (extra) {
    name = name.slice(0, extra.index).trim();
    const directive = (extra[1] ?? "").toLowerCase() as "xfail" | "timeout" | "error";
    reason = extra[2] || undefined;
    outcome = directive === "xfail" ? (result.ok ? "pass" : "xfail") : directive;
  } else if (result.skip !== false) {
    outcome = "skip";
    reason = typeof result.skip === "string" ? result.skip : undefined;
  } else if (result.todo !== false) {
    outcome = "todo";
    reason = typeof result.todo === "string" ? result.todo : undefined;
  }
  const point: TestPoint = {
    id: result.id ?? 0,
    name,
    path: [...parentPath, name],
    outcome,
    children: [],
  };
  if (reason) point.reason = reason;
  return point;
}

function summarise(
  format: TapSummary["format"],
  tests: TestPoint[],
  final: FinalState,
  bailOut: string | undefined,
): TapSummary {
  const counts: Record<Outcome, number> = {
    pass: 0,
    fail: 0,
    skip: 0,
    todo: 0,
    xfail: 0,
    timeout: 0,
    error: 0,
  };
  const visit = (point: TestPoint) => {
    counts[point.outcome]++;
    point.children.forEach(visit);
  };
  tests.forEach(visit);
  const summary: TapSummary = { format, tests, counts, planProblems: [] };
  if (bailOut !== undefined) summary.bailOut = bailOut;
  if (format === "none") return summary;
  if (final.plan.skipAll) {
    summary.skipAll = final.plan.skipReason.replace(/^SKIP\s*/i, "") || "skipped";
    return summary;
  }
  if (!final.sawPlan && bailOut === undefined)
    summary.planProblems.push("no plan (1..N) in the TAP output");
  const planned = (final.plan.end ?? 0) - (final.plan.start ?? 1) + 1;
  if (final.sawPlan && planned !== tests.length && bailOut === undefined) {
    summary.planProblems.push(`planned ${planned} tests, ${tests.length} reported`);
  }
  return summary;
}
