// What a failing cell left behind, cut down to what a reader needs: the failing TAP lines, the
// console lines around the failure (by its time when known, else its first fatal line, else the tail
// a panic carried), and the cell's log files.
import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { CellRecord } from "../../results/run-record.ts";
import { CONTAINER_EXIT, fatalOf } from "../../console/patterns.ts";
import { reportClassOfLine } from "../../console/kernel-reports.ts";
import { printable } from "./escape.ts";
import { compareText } from "../../util/compare.ts";
import { consoleAround, failureTimeOf } from "./console-window.ts";

/** One numbered line of a log; `mark` flags the line that tells what went wrong. */
export interface LogLine {
  number: number;
  text: string;
  mark: boolean;
}

/** A piece of a log and what it is. */
export interface Excerpt {
  caption: string;
  lines: LogLine[];
}

/** A log file of the cell, relative to the run directory. */
export interface LogFile {
  path: string;
  sizeBytes: number;
}

/** Everything the report shows about one cell beyond its record. */
export interface CellEvidence {
  failingTap?: Excerpt;
  console?: Excerpt;
  files: LogFile[];
}

const BEFORE = 15;
const AFTER = 25;
const TAIL = 40;
const MAX_TAP_LINES = 60;
const MAX_LINE_CHARS = 400;
const FAILING = new Set(["fail", "error", "timeout", "flaky", "cancel"]);
const NOT_OK = /^\s*not ok\b(?!.*#\s*(TODO|XFAIL)\b)/i;

/** Reads a cell's folder for the report; a cell that did not fail only gets its file list. */
export async function cellEvidence(runDir: string, cell: CellRecord): Promise<CellEvidence> {
  const files = await logFiles(runDir, cell.dir);
  if (!FAILING.has(cell.status)) return { files };
  const dir = join(runDir, failingAttemptDir(cell));
  const failingTap = await tapExcerpt(join(dir, "results.tap"));
  // console.log gives real line numbers; the tail in the reason stands in when the log shows nothing.
  const fromLog =
    (await aroundFailureTime(join(dir, "console.log"), cell)) ??
    (await consoleExcerptOf(join(dir, "console.log"), cell.status));
  const consoleExcerpt =
    fromLog?.lines.some((line) => line.mark) === true
      ? fromLog
      : (consoleTailOf(cell.reasons) ?? fromLog);
  return {
    files,
    ...(failingTap ? { failingTap } : {}),
    ...(consoleExcerpt ? { console: consoleExcerpt } : {}),
  };
}

// The moment of failure is known for image cells (console.log is stamped, results are timed).
async function aroundFailureTime(path: string, cell: CellRecord): Promise<Excerpt | undefined> {
  const time = cell.status === "flaky" ? undefined : failureTimeOf(cell);
  if (!time || !(await stat(path).catch(() => undefined))) return undefined;
  return consoleAround(path, time, numbered);
}

// A flaky cell passed in the end: its failure is in the first attempt's kept logs.
function failingAttemptDir(cell: CellRecord): string {
  if (cell.status !== "flaky") return cell.dir;
  const failed = cell.attempts.find((a) => a.status !== "pass");
  return failed ? join(cell.dir, "attempts", String(failed.number)) : cell.dir;
}

/** The console tail a boot failure carries in its reason ("… console tail:\n    lines"). */
export function consoleTailOf(reasons: readonly string[]): Excerpt | undefined {
  for (const reason of reasons) {
    const at = reason.indexOf("console tail:");
    if (at < 0) continue;
    const text = reason
      .slice(at + "console tail:".length)
      .split("\n")
      .slice(1)
      .map((line) => line.replace(/^ {4}/, ""));
    if (text.every((line) => line.trim() === "")) continue;
    const lines = text.map((line, index) => numbered(index + 1, line, fatalOf(line) !== undefined));
    return { caption: "the console's last lines, as the harness saw them fail", lines };
  }
  return undefined;
}

/** The failing test points of results.tap, each with the comment lines and YAML block after it. */
export async function tapExcerpt(path: string): Promise<Excerpt | undefined> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const lines: LogLine[] = [];
  // After a failing line: its comment lines and YAML block, until the next line of another kind.
  let after: "none" | "comments" | "yaml" = "none";
  for (const [index, line] of text.split("\n").entries()) {
    const failing = NOT_OK.test(line) || /^\s*Bail out!/.test(line);
    if (failing) after = "comments";
    else if (after === "yaml") {
      if (/^\s*\.\.\.\s*$/.test(line)) after = "comments";
    } else if (after === "comments") {
      if (/^\s*---\s*$/.test(line)) after = "yaml";
      else if (!/^\s*#/.test(line) || /^\s*#\s*Subtest\b/.test(line)) after = "none";
    }
    if (failing || after !== "none") lines.push(numbered(index + 1, line, failing));
    if (lines.length >= MAX_TAP_LINES) break;
  }
  if (lines.length === 0) return undefined;
  return { caption: "failing lines of results.tap", lines };
}

/** Console lines around the first sign of failure, or the last lines before the end. */
export async function consoleExcerptOf(
  path: string,
  status: CellRecord["status"],
): Promise<Excerpt | undefined> {
  if (!(await stat(path).catch(() => undefined))) return undefined;
  const before: LogLine[] = [];
  const found: LogLine[] = [];
  let hit: LogLine | undefined;
  let count = 0;
  const reader = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of reader) {
    count++;
    if (hit) {
      found.push(numbered(count, line, false));
      if (found.length >= AFTER) break;
      continue;
    }
    const bad = isFailureLine(line);
    const entry = numbered(count, line, bad);
    if (bad) hit = entry;
    else {
      before.push(entry);
      if (before.length > Math.max(BEFORE, TAIL)) before.shift();
    }
  }
  reader.close();
  if (count === 0) return { caption: "console.log is empty", lines: [] };
  if (hit) {
    return {
      caption: `console.log around line ${hit.number}`,
      lines: [...before.slice(-BEFORE), hit, ...found],
    };
  }
  const lastWords =
    status === "timeout" ? "the last output before the deadline" : "the last output";
  return { caption: `console.log, ${lastWords} (of ${count} lines)`, lines: before.slice(-TAIL) };
}

function isFailureLine(line: string): boolean {
  if (reportClassOfLine(line) !== undefined || NOT_OK.test(line) || /Bail out!/.test(line))
    return true;
  const exit = CONTAINER_EXIT.exec(line);
  return exit !== null && exit[3] !== "0";
}

function numbered(number: number, text: string, mark: boolean): LogLine {
  const clean = printable(text);
  const cut = clean.length > MAX_LINE_CHARS ? `${clean.slice(0, MAX_LINE_CHARS)} …` : clean;
  return { number, text: cut, mark };
}

// Files of the cell folder and of earlier attempts; the image and scratch disks are left out.
async function logFiles(runDir: string, dir: string): Promise<LogFile[]> {
  const found: LogFile[] = [];
  const visit = async (relativeDir: string, depth: number): Promise<void> => {
    const entries = await readdir(join(runDir, relativeDir), { withFileTypes: true }).catch(
      () => [],
    );
    for (const entry of entries.sort((a, b) => compareText(a.name, b.name))) {
      const path = `${relativeDir}/${entry.name}`;
      if (entry.isDirectory() && depth < 3 && entry.name !== "image") await visit(path, depth + 1);
      else if (entry.isFile() && !/\.(raw|img|qcow2|sock)$/.test(entry.name)) {
        const info = await stat(join(runDir, path)).catch(() => undefined);
        if (info) found.push({ path, sizeBytes: info.size });
      }
    }
  };
  await visit(dir, 0);
  return found;
}
