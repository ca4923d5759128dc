// The lines that explain a failing test point: TAP's comment lines and YAML block after it, KTAP's
// diagnostic lines before it (KUnit prints its expectation failures ahead of the result line).
import type { TapLine } from "./tap-line.ts";
import { isFailing, type TestPoint } from "./tap-point.ts";

/** At most this many diagnostic lines are kept per point; results.tap keeps them all. */
export const MAX_DIAGNOSTIC_LINES = 40;
const MAX_LINE_CHARS = 400;

type Following = { point: TestPoint; indent: number; yaml: boolean; dropped: number };
type Preceding = { indent: number; lines: string[] };

/** Collects diagnostics line by line beside the tree reader; `tested` is told of each test point. */
export class DiagnosticsCapture {
  #following: Following | undefined;
  #preceding: Preceding | undefined;

  /** Reads one line of the stream (`text` without a kernel timestamp), before the tree reader does. */
  line(line: TapLine, text: string): void {
    const following = this.#following;
    if (following?.yaml) {
      if (line.kind === "blank" || line.indent > following.indent) {
        if (line.kind === "yaml-end") following.yaml = false;
        this.#keep(following, text);
        return;
      }
      following.yaml = false;
    }
    switch (line.kind) {
      case "blank":
        return;
      case "diagnostic":
        return this.#diagnostic(line.indent, text);
      case "yaml-start":
        if (following && line.indent > following.indent) {
          following.yaml = true;
          this.#keep(following, text);
        } else this.#following = undefined;
        return;
      case "other":
        this.#following = undefined;
        if (this.#preceding && line.indent >= this.#preceding.indent)
          this.#preceding.lines.push(cut(text.slice(this.#preceding.indent)));
        else this.#preceding = undefined;
        return;
      case "test":
        this.#following = undefined;
        return;
      default:
        this.#following = undefined;
        this.#preceding = undefined;
    }
  }

  /** A test line made `point`: a KTAP point takes the lines before it, a failing one those after it. */
  tested(point: TestPoint, indent: number, ktap: boolean): void {
    const preceding = this.#preceding;
    this.#preceding = undefined;
    if (!isFailing(point.outcome)) return;
    const following: Following = { point, indent, yaml: false, dropped: 0 };
    if (ktap && preceding?.indent === indent)
      for (const line of preceding.lines) this.#keep(following, " ".repeat(indent) + line);
    this.#following = following;
  }

  #diagnostic(indent: number, text: string): void {
    const following = this.#following;
    if (following && indent >= following.indent) {
      this.#keep(following, text);
      return;
    }
    this.#following = undefined;
    if (this.#preceding?.indent !== indent) this.#preceding = { indent, lines: [] };
    this.#preceding.lines.push(cut(text.slice(indent)));
    // Only the lines just before a result line can be its; a long run of comments keeps its end.
    if (this.#preceding.lines.length > MAX_DIAGNOSTIC_LINES) this.#preceding.lines.shift();
  }

  #keep(following: Following, text: string): void {
    const kept = (following.point.diagnostics ??= []);
    if (kept.length < MAX_DIAGNOSTIC_LINES) {
      kept.push(cut(text.slice(Math.min(following.indent, leadingBlanks(text)))));
      return;
    }
    following.dropped++;
    kept[MAX_DIAGNOSTIC_LINES] = `… ${following.dropped} more lines in results.tap`;
  }
}

function leadingBlanks(text: string): number {
  return text.length - text.trimStart().length;
}

function cut(text: string): string {
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)} …` : text;
}
