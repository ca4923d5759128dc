// The console lines around the moment a cell failed: the arrival of its first failing TAP line or its
// first kernel report, found by console.log's "[+  12.345]" offsets (the console watcher's clock).
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { CellRecord } from "../../results/run-record.ts";
import { failingTests } from "../../results/status.ts";
import type { Excerpt, LogLine } from "./evidence.ts";

const BEFORE = 15;
const AFTER = 25;
const STAMP = /^\[\+\s*(\d+(?:\.\d+)?)\]/;

/** When the cell first showed a failure, what it was and, when known, the text of its line. */
export interface FailureTime {
  atMs: number;
  what: string;
  /** Text the failing line holds (a kernel report's title); picks it among lines of the same moment. */
  text?: string;
}

/** The earliest failing test line's arrival or failing kernel report; undefined when none was timed. */
export function failureTimeOf(cell: CellRecord): FailureTime | undefined {
  const times: FailureTime[] = [
    ...failingTests(cell.tests).flatMap((t) =>
      t.atMs === undefined ? [] : [{ atMs: t.atMs, what: `${t.path.join(" > ")} failed` }],
    ),
    ...(cell.attempts.at(-1)?.kernelFindings ?? []).flatMap((f) =>
      f.allowedBy
        ? []
        : [{ atMs: f.atMs, what: `the kernel reported ${f.class}`, text: f.line.trim() }],
    ),
  ];
  return times.sort((a, b) => a.atMs - b.atMs)[0];
}

/**
 * console.log's lines around `time`. The marked line is the last one holding `time.text` among
 * those that arrived by then, else the last line that arrived by then: the console is read in
 * batches, so many lines share one arrival time and the last of them is rarely the failure.
 */
export async function consoleAround(
  path: string,
  time: FailureTime,
  numbered: (number: number, text: string, mark: boolean) => LogLine,
): Promise<Excerpt | undefined> {
  const lines: string[] = [];
  let arrived = -1;
  let holding = -1;
  const reader = createInterface({
    input: createReadStream(path).on("error", () => reader.close()),
    crlfDelay: Infinity,
  });
  for await (const line of reader) {
    const stamp = STAMP.exec(line);
    // Offsets are printed to the millisecond; a time between two prints is not later than either.
    if (stamp && Number(stamp[1]) * 1000 > Math.floor(time.atMs) + 1 && arrived >= 0) {
      lines.push(line);
      if (lines.length - 1 - Math.max(arrived, holding) >= AFTER) break;
      continue;
    }
    lines.push(line);
    if (stamp) arrived = lines.length - 1;
    if (time.text && line.includes(time.text)) holding = lines.length - 1;
  }
  reader.close();
  const at = holding >= 0 ? holding : arrived;
  if (at < 0) return undefined;
  const seconds = (time.atMs / 1000).toFixed(1);
  const excerpt = lines.slice(Math.max(0, at - BEFORE), at + AFTER + 1).map((text, i) => {
    const index = Math.max(0, at - BEFORE) + i;
    return numbered(index + 1, text, index === at);
  });
  return {
    caption: `console.log around +${seconds}s, when ${time.what} (line ${at + 1})`,
    lines: excerpt,
  };
}
