// Builds the test tree from classified TAP/KTAP lines: subtests by indentation, plans, YAML blocks, bail out.
import { DiagnosticsCapture } from "./tap-diagnostics.ts";
import type { TapLine } from "./tap-line.ts";
import { bubbleUp, pointFromLine, setPaths, type TestPoint } from "./tap-point.ts";
import {
  addProblem,
  checkNumber,
  checkPlan,
  formatProblem,
  liftProblems,
  newLevel,
  type Level,
} from "./tap-level.ts";

/** The tree and what was wrong with the stream. */
export interface TapTree {
  tests: TestPoint[];
  /** Plan and numbering failures. */
  planProblems: string[];
  /** What could not be placed: the stream is unreadable, not failed. */
  parseProblems: string[];
  bailOut?: string;
  skipAll?: string;
}

type Structural = Extract<TapLine, { kind: "version" | "plan" | "test" | "subtest" }>;

/** Reads one stream, line by line; a subtest is any deeper, consistent indentation (TAP 14: 4, KTAP: 2 or 4). */
export class TapTreeReader {
  #stack: Level[];
  #documents: Level[] = [];
  #yaml: { line: number; testIndent: number } | undefined;
  #afterTest: number | undefined;
  #strict = false;
  #bailOut: string | undefined;
  readonly #diagnostics = new DiagnosticsCapture();
  #atMs: number | undefined;

  constructor(ktap: boolean, indent: number) {
    this.#stack = [newLevel(indent, 1, ktap)];
  }

  get #top(): Level {
    return this.#stack.at(-1) as Level;
  }

  /** Reads the line numbered `no` (1 = the stream's first line); `text` is the line as printed. */
  line(line: TapLine, no: number, text = "", atMs?: number): void {
    if (this.#bailOut !== undefined) return;
    this.#atMs = atMs;
    this.#diagnostics.line(line, text);
    if (this.#yaml) {
      if (line.kind === "blank" || line.indent > this.#yaml.testIndent) {
        if (line.kind === "yaml-end") this.#yaml = undefined;
        return;
      }
      this.#yamlNeverClosed();
    }
    const afterTest = this.#afterTest;
    this.#afterTest = undefined;
    switch (line.kind) {
      case "blank":
      case "diagnostic":
        return;
      case "pragma":
        if (line.key === "strict") this.#strict = line.enable;
        return;
      case "bail":
        this.#bailOut = line.reason || "(no reason)";
        return;
      case "yaml-start":
        if (afterTest !== undefined && line.indent > afterTest) {
          this.#yaml = { line: no, testIndent: afterTest };
          return;
        }
        return this.#other(no);
      case "yaml-end":
      case "other":
        return this.#other(no);
      default:
        return this.#structural(line, no);
    }
  }

  /** Ends the stream: open subtests were cut short, and every plan is checked. */
  end(): TapTree {
    if (this.#yaml && this.#bailOut === undefined) this.#yamlNeverClosed();
    while (this.#stack.length > 1) {
      const child = this.#stack.pop() as Level;
      this.#top.closedChild = child;
      this.#unclosed(
        this.#top,
        this.#bailOut === undefined ? "the output ended inside this subtest" : "bailed out",
      );
    }
    this.#endDocument();
    const problems = this.#documents.flatMap((document) => document.problems);
    const tests = this.#documents.flatMap((document) => document.points);
    setPaths(tests);
    const tree: TapTree = {
      tests,
      planProblems: problems.filter((p) => !p.parse).map(formatProblem),
      parseProblems: problems.filter((p) => p.parse).map(formatProblem),
    };
    if (this.#bailOut !== undefined) tree.bailOut = this.#bailOut;
    const skips = this.#documents.map((document) => document.plan?.skip);
    if (tests.length === 0 && skips.every((skip) => skip !== undefined))
      tree.skipAll = skips.join("; ");
    return tree;
  }

  #structural(line: Structural, no: number): void {
    const level = this.#place(line, no);
    if (!level) return;
    if (level.closedChild && line.kind !== "test") this.#unclosed(level, "");
    switch (line.kind) {
      case "subtest":
        if (level !== this.#stack[0] && level.name === undefined && !hasResults(level))
          level.name = line.name;
        else level.childName = { name: line.name, line: no };
        return;
      case "version":
        return this.#version(level, line.ktap, no);
      case "plan":
        return this.#plan(level, line, no);
      case "test":
        return this.#test(level, line, no);
    }
  }

  // The level a structural line belongs to: a deeper line opens a subtest, a shallower one closes subtests.
  #place(line: Structural, no: number): Level | undefined {
    if (line.indent > this.#top.indent) {
      const parent = this.#top;
      if (parent.closedChild) this.#unclosed(parent, "");
      const hint = parent.childName;
      delete parent.childName;
      // A "# Subtest:" line that opens the level names it itself, below.
      const name = line.kind === "subtest" ? undefined : hint?.name;
      this.#stack.push(newLevel(line.indent, hint?.line ?? no, parent.ktap, name));
      return this.#top;
    }
    if (!this.#stack.some((level) => level.indent === line.indent)) {
      const open = this.#stack.map((level) => level.indent).join(", ");
      const what = `line ${no}: ${line.kind} line indented by ${line.indent} spaces`;
      addProblem(
        this.#top,
        `${what} belongs to no subtest (open levels are indented by ${open})`,
        true,
      );
      return undefined;
    }
    while (this.#top.indent > line.indent) {
      const child = this.#stack.pop() as Level;
      if (child.closedChild) this.#unclosed(child, "");
      this.#top.closedChild = child;
    }
    return this.#top;
  }

  #version(level: Level, ktap: boolean, no: number): void {
    if (!hasResults(level) && level.plan === undefined) return;
    if (this.#stack.length === 1) {
      // Another stream after a whole one, as a kernel prints for each test module it loads.
      this.#endDocument();
      this.#stack = [newLevel(level.indent, no, ktap)];
      return;
    }
    addProblem(level, `line ${no}: a version line after this subtest's results`, true);
  }

  #plan(level: Level, line: Extract<TapLine, { kind: "plan" }>, no: number): void {
    const range = `${line.start}..${line.end}`;
    if (level.plan) {
      addProblem(
        level,
        `second plan ${range} at line ${no} (the first at line ${level.plan.line})`,
        true,
      );
      return;
    }
    if (line.start !== 1)
      addProblem(level, `plan ${range} at line ${no} does not start at 1`, true);
    if (!Number.isSafeInteger(line.end)) {
      addProblem(level, `plan at line ${no} promises more tests than can be counted`, true);
      level.plan = { end: Number.MAX_SAFE_INTEGER, line: no, trailing: hasResults(level) };
      return;
    }
    const trailing = hasResults(level);
    level.plan = { end: line.end - line.start + 1, line: no, trailing };
    if (line.start === 1 && line.end === 0) {
      level.plan.skip = line.comment.replace(/^skip\S*\s*/i, "") || "skipped";
      if (trailing) addProblem(level, `skip-all plan 1..0 at line ${no} after test lines`, true);
    }
  }

  #test(level: Level, line: Extract<TapLine, { kind: "test" }>, no: number): void {
    const plan = level.plan;
    if (plan && (plan.trailing || plan.skip !== undefined) && !level.pastPlan) {
      level.pastPlan = true;
      const kind = plan.skip === undefined ? `plan 1..${plan.end}` : "skip-all plan 1..0";
      addProblem(
        level,
        `${kind} at line ${plan.line} is in the middle of the test lines (line ${no})`,
        true,
      );
    }
    const point = pointFromLine(line, checkNumber(level, line.id, no), no);
    if (this.#atMs !== undefined) point.atMs = this.#atMs;
    this.#diagnostics.tested(point, line.indent, level.ktap);
    const child = level.closedChild;
    if (child) {
      delete level.closedChild;
      this.#attach(level, child, point);
    }
    delete level.childName;
    level.points.push(point);
    this.#afterTest = line.indent;
  }

  #attach(parent: Level, child: Level, point: TestPoint): void {
    point.children = child.points;
    if (this.#bailOut === undefined) checkPlan(child);
    liftProblems(child, parent, point.name);
    bubbleUp(point);
  }

  // A subtest with no result line: it stays in the tree as a failed point, its results under it.
  #unclosed(parent: Level, why: string): void {
    const child = parent.closedChild as Level;
    delete parent.closedChild;
    const name = child.name ?? "(subtest)";
    const point: TestPoint = { id: 0, name, path: [], outcome: "fail", children: [] };
    if (why === "") {
      addProblem(parent, `subtest ${name} at line ${child.openedAt} has no result line`, true);
    }
    this.#attach(parent, child, point);
    point.reason = why === "" ? "no result line" : `no result line: ${why}`;
    parent.points.push(point);
  }

  #endDocument(): void {
    const root = this.#stack[0] as Level;
    if (this.#bailOut === undefined) checkPlan(root);
    this.#documents.push(root);
  }

  #yamlNeverClosed(): void {
    const line = this.#yaml?.line ?? 0;
    addProblem(this.#top, `YAML block from line ${line} never closed with "..."`, true);
    this.#yaml = undefined;
  }

  #other(no: number): void {
    if (this.#strict) addProblem(this.#top, `line ${no}: not TAP under pragma +strict`, true);
  }
}

function hasResults(level: Level): boolean {
  return level.points.length > 0;
}
