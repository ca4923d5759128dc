// TAP 13/14 and KTAP v1 results from a console or results stream: where the TAP starts, and its summary.
import { stripKernelPrefix } from "./ktap.ts";
import { classifyTapLine, startsTapStream } from "./tap-line.ts";
import { prefixBeforeVersion, type LinePrefix } from "./tap-prefix.ts";
import { isFailing, type Outcome, type TestPoint } from "./tap-point.ts";
import { TapTreeReader } from "./tap-tree.ts";

export { isFailing, type Outcome, type TestPoint };

/** Everything a TAP/KTAP stream said, reduced to what a verdict needs. */
export interface TapSummary {
  format: "tap" | "ktap" | "none";
  tests: TestPoint[];
  counts: Record<Outcome, number>;
  bailOut?: string;
  /** Plan and numbering failures: missing plan, fewer tests than planned, repeated or out-of-order numbers. */
  planProblems: string[];
  /** What the reader could not place (lines are numbered from the stream's first, as in results.tap). */
  parseProblems: string[];
  /** Set for "1..0 # SKIP reason". */
  skipAll?: string;
}

/**
 * Streams console text into the TAP reader. The stream starts at a version line, or at a test line,
 * plan or bail out at column 0 (TAP 12 has no version line); lines before it are ignored. A version
 * line after a log prefix starts it too, and that prefix is read off the lines after it.
 */
export class TapCollector {
  #pending = "";
  #format: TapSummary["format"] = "none";
  #reader: TapTreeReader | undefined;
  #prefix: LinePrefix | undefined;
  #lineNo = 0;
  #tapLines: string[] = [];
  #tapBytes = 0;
  /** Upper bound on the TAP text kept for results.tap. */
  static readonly keepBytes = 4 * 1024 * 1024;

  /** Feeds a chunk of output; `atMs` (on the console's clock) is when the lines it ends arrived. */
  write(chunk: string, atMs?: number): void {
    const text = this.#pending + chunk;
    const lines = text.split("\n");
    this.#pending = lines.pop() ?? "";
    for (const line of lines) this.#line(line, atMs);
  }

  /** The stream from its first TAP line on, for results.tap (capped). */
  tapText(): string {
    return this.#tapLines.join("\n") + (this.#tapLines.length > 0 ? "\n" : "");
  }

  /** Ends the stream and summarises it. */
  end(): Promise<TapSummary> {
    if (this.#pending !== "") this.#line(this.#pending);
    this.#pending = "";
    const empty: TapSummary = {
      format: this.#format,
      tests: [],
      counts: countOutcomes([]),
      planProblems: [],
      parseProblems: [],
    };
    if (!this.#reader) return Promise.resolve(empty);
    const tree = this.#reader.end();
    return Promise.resolve({ ...empty, ...tree, counts: countOutcomes(tree.tests) });
  }

  #line(raw: string, atMs?: number): void {
    const line = raw.replace(/\r$/, "");
    let text = stripKernelPrefix(line);
    if (this.#prefix) text = this.#prefix.strip(text);
    let classified = classifyTapLine(text);
    if (!this.#reader && !startsTapStream(classified)) {
      this.#prefix = prefixBeforeVersion(text);
      if (!this.#prefix) return;
      text = this.#prefix.strip(text);
      classified = classifyTapLine(text);
    }
    if (!this.#reader) {
      const ktap = classified.kind === "version" && classified.ktap;
      this.#format = ktap ? "ktap" : "tap";
      this.#reader = new TapTreeReader(ktap, classified.indent);
    }
    this.#lineNo++;
    if (this.#tapBytes < TapCollector.keepBytes) {
      this.#tapLines.push(line);
      this.#tapBytes += line.length + 1;
    }
    this.#reader.line(classified, this.#lineNo, text, atMs);
  }
}

/** Parses a whole TAP or KTAP text at once. */
export async function parseTap(text: string): Promise<TapSummary> {
  const collector = new TapCollector();
  collector.write(text);
  return collector.end();
}

function countOutcomes(tests: readonly TestPoint[]): Record<Outcome, number> {
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
  return counts;
}
