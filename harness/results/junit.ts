// junit.xml for CI tools and test reporters: one testsuite per cell, one testcase per TAP test (see
// junit-cases.ts), in the shape of Ant's JUnit schema with Maven Surefire's rerun elements.
import { isAbsolute, relative } from "node:path";
import type { CellRecord, RunRecord } from "./run-record.ts";
import { cellCases, cellLabel, type JunitCase } from "./junit-cases.ts";

export { cellLabel };

/** What junit.xml is written with besides the run record. */
export interface JunitOptions {
  /** Each failing cell's last console lines, by cell id (see consoleTails). */
  consoleTails?: ReadonlyMap<string, readonly string[]>;
  /** Case files inside this folder are named relative to it, as a checkout names them. */
  cwd?: string;
}

/** XML-escapes text, dropping characters XML cannot carry. */
export function xmlEscape(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters; they are removed on purpose.
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
  );
}

type Counts = { tests: number; failures: number; errors: number; skipped: number };

/** The run as a JUnit XML document. */
export function junitXml(run: RunRecord, options: JunitOptions = {}): string {
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites = run.cells.map((cell) => {
    const tail = options.consoleTails?.get(cell.id);
    const file = cell.caseFile ? shownPath(cell.caseFile, options.cwd) : undefined;
    const cases = cellCases(cell, {
      ...(file === undefined ? {} : { file }),
      ...(tail ? { consoleTail: tail } : {}),
    });
    const counts = countCases(cases);
    for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += counts[key];
    return suite(cell, cases, counts);
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="harness ${xmlEscape(run.runId)}"${countAttributes(total)} time="${seconds(run.durationMs / 1000)}">`,
    ...suites,
    `</testsuites>`,
    "",
  ].join("\n");
}

function suite(cell: CellRecord, cases: readonly JunitCase[], counts: Counts): string {
  return [
    `  <testsuite name="${xmlEscape(cell.id)}"${countAttributes(counts)} time="${seconds(cell.durationMs / 1000)}">`,
    ...cases.map((test) => testcase(cell, test)),
    `  </testsuite>`,
  ].join("\n");
}

function testcase(cell: CellRecord, test: JunitCase): string {
  const attributes = [
    `name="${xmlEscape(test.name)}"`,
    `classname="${xmlEscape(cell.id)}"`,
    `time="${seconds(test.timeS)}"`,
    ...(test.file === undefined ? [] : [`file="${xmlEscape(test.file)}"`]),
  ].join(" ");
  const body: string[] = [];
  const result = test.result;
  if (result?.kind === "skipped") body.push(`<skipped message="${xmlEscape(result.message)}"/>`);
  else if (result) {
    body.push(
      `<${result.kind} type="${xmlEscape(result.type)}" message="${xmlEscape(result.message)}">${xmlEscape(result.body)}</${result.kind}>`,
    );
  }
  for (const flaky of test.flaky) {
    body.push(
      `<flakyFailure type="${xmlEscape(flaky.type)}" message="${xmlEscape(flaky.message)}"><stackTrace>${xmlEscape(flaky.body)}</stackTrace></flakyFailure>`,
    );
  }
  if (test.systemOut !== undefined)
    body.push(`<system-out>${xmlEscape(test.systemOut)}</system-out>`);
  if (body.length === 0) return `    <testcase ${attributes}/>`;
  return [`    <testcase ${attributes}>`, ...body.map((b) => `      ${b}`), `    </testcase>`].join(
    "\n",
  );
}

function countCases(cases: readonly JunitCase[]): Counts {
  const of = (kind: string) => cases.filter((c) => c.result?.kind === kind).length;
  return {
    tests: cases.length,
    failures: of("failure"),
    errors: of("error"),
    skipped: of("skipped"),
  };
}

function countAttributes(c: Counts): string {
  return ` tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}"`;
}

// Case files are recorded absolute; inside the working folder they are named relative to it.
function shownPath(path: string, cwd: string | undefined): string {
  if (!cwd || !isAbsolute(path)) return path;
  const inside = relative(cwd, path);
  return inside.startsWith("..") || isAbsolute(inside) ? path : inside;
}

function seconds(s: number): string {
  return s.toFixed(3);
}
