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

/** When the cell first showed a failure, and what it was. */
export interface FailureTime {
  atMs: number;
  what: string;
}

/** The earliest failing test line's arrival or failing kernel report; undefined when none was timed. */
export function failureTimeOf(cell: CellRecord): FailureTime | undefined {
  const times: FailureTime[] = [
    ...failingTests(cell.tests).flatMap((t) =>
      t.atMs === undefined ? [] : [{ atMs: t.atMs, what: `${t.path.join(" > ")} failed` }],
    ),
    ...(cell.attempts.at(-1)?.kernelFindings ?? []).flatMap((f) =>
      f.allowedBy ? [] : [{ atMs: f.atMs, what: `the kernel reported ${f.class}` }],
    ),
  ];
  return times.sort((a, b) => a.atMs - b.atMs)[0];
}

/** console.log's lines around `time`: the last line stamped at or before it is marked. */
export async function consoleAround(
  path: string,
  time: FailureTime,
  numbered: (number: number, text: string, mark: boolean) => LogLine,
): Promise<Excerpt | undefined> {
  const before: LogLine[] = [];
  const after: LogLine[] = [];
  let hit: LogLine | undefined;
  let count = 0;
  const reader = createInterface({
    input: createReadStream(path).on("error", () => reader.close()),
    crlfDelay: Infinity,
  });
  for await (const line of reader) {
    count++;
    if (hit) {
      after.push(numbered(count, line, false));
      if (after.length >= AFTER) break;
      continue;
    }
    const stamp = STAMP.exec(line);
    if (stamp && Number(stamp[1]) * 1000 > time.atMs && before.length > 0) {
      const last = before.pop() as LogLine;
      hit = { ...last, mark: true };
      after.push(numbered(count, line, false));
      continue;
    }
    before.push(numbered(count, line, false));
    if (before.length > BEFORE + 1) before.shift();
  }
  reader.close();
  // A failure after the last stamped line: the console's end is the moment.
  if (!hit && before.length > 0 && before.some((l) => STAMP.test(l.text))) {
    hit = { ...(before.pop() as LogLine), mark: true };
  }
  if (!hit) return undefined;
  const seconds = (time.atMs / 1000).toFixed(1);
  return {
    caption: `console.log around +${seconds}s, when ${time.what} (line ${hit.number})`,
    lines: [...before.slice(-BEFORE), hit, ...after],
  };
}
