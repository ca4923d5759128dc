// The testcases of one cell for junit.xml: each TAP test its own testcase (nested names joined with
// " > "), its diagnostics as the failure, Surefire's flakyFailure for a test that failed before a
// retry passed, and one testcase for the cell's verdict where no test explains it.
import type { CellRecord } from "./run-record.ts";
import { findingReason } from "./kernel-findings.ts";
import { expectsFailure, isFailing, type TestPoint } from "./tap-point.ts";
import { PATH_SEPARATOR } from "./test-outcomes.ts";

/** What a cell's testcases are written with besides its record. */
export interface CaseContext {
  /** The case file, as the reader's checkout names it. */
  file?: string;
  /** The console's last lines, for a failing testcase's system-out. */
  consoleTail?: readonly string[];
}

/** One testcase, ready to write; `result` is its failure, error or skip, if any. */
export interface JunitCase {
  name: string;
  file?: string;
  timeS: number;
  result?: { kind: "failure" | "error" | "skipped"; type: string; message: string; body: string };
  flaky: { type: string; message: string; body: string }[];
  systemOut?: string;
}

type Judged = { point: TestPoint; name: string; expectedToFail: boolean };

/** The testcases of `cell`, in TAP order, the cell's own last. */
export function cellCases(cell: CellRecord, context: CaseContext): JunitCase[] {
  const judged = judgedPoints(cell.tests, false);
  // status.ts words a failing test as "fail: a > b" or "fail: a > b (why)".
  const explains = (reason: string) => judged.find(({ name }) => names(reason, name));
  const cases = judged.map((j) => testCase(cell, j, context));
  // A parent failed by its subtests is told by their testcases.
  const everyName = allNames(cell.tests);
  const unexplained = cell.reasons.filter(
    (reason) => !everyName.some((name) => names(reason, name)),
  );
  const own: JunitCase = { name: cellLabel(cell), timeS: cell.durationMs / 1000, flaky: [] };
  if (context.file !== undefined) own.file = context.file;
  // A failed attempt before the passing one: its test failures go on those tests, the rest on the cell.
  for (const attempt of cell.status === "flaky" ? cell.attempts : []) {
    if (attempt.status === "pass") continue;
    for (const reason of attempt.reasons) {
      const test = explains(reason);
      const target = test ? cases[judged.indexOf(test)] : own;
      target?.flaky.push({
        type: attempt.status,
        message: firstLine(reason),
        body: `attempt ${attempt.number}: ${reason}`,
      });
    }
  }
  const findings = findingsText(cell);
  const cellResult = verdictOf(cell, unexplained);
  if (cellResult) {
    own.result = cellResult;
    // A failure's kernel reports go in its body, so a CI tool shows the trace beside it.
    if (cellResult.kind !== "skipped" && findings !== "") cellResult.body += `\n\n${findings}`;
    if (cellResult.kind !== "skipped" && context.consoleTail?.length)
      own.systemOut = context.consoleTail.join("\n");
  } else if (findings !== "") own.systemOut = findings;
  const needsOwn = cases.length === 0 || own.result || own.flaky.length > 0 || findings !== "";
  return needsOwn ? [...cases, own] : cases;
}

// status.ts words a failing test's reason "fail: a > b" or "fail: a > b (why)".
function names(reason: string, name: string): boolean {
  const line = firstLine(reason);
  return ["fail", "timeout", "error"].some(
    (word) => line === `${word}: ${name}` || line.startsWith(`${word}: ${name} (`),
  );
}

function allNames(points: readonly TestPoint[]): string[] {
  return points.flatMap((p) => [p.path.join(PATH_SEPARATOR), ...allNames(p.children)]);
}

// Leaves, and failing points none of whose subtests failed (their own line is the failure); under a
// TODO or XFAIL point, failures are expected.
function judgedPoints(points: readonly TestPoint[], expectedToFail: boolean): Judged[] {
  return points.flatMap((point) => {
    const below = judgedPoints(point.children, expectedToFail || expectsFailure(point.outcome));
    const failingChild = point.children.some((child) => isFailing(child.outcome));
    const own = point.children.length === 0 || (isFailing(point.outcome) && !failingChild);
    const name = (point.path.length > 0 ? point.path : [point.name]).join(PATH_SEPARATOR);
    return own ? [...below, { point, name, expectedToFail }] : below;
  });
}

function testCase(cell: CellRecord, judged: Judged, context: CaseContext): JunitCase {
  const { point, name } = judged;
  const test: JunitCase = { name, timeS: 0, flaky: [] };
  if (context.file !== undefined) test.file = context.file;
  const outcome = judged.expectedToFail && isFailing(point.outcome) ? "todo" : point.outcome;
  if (outcome === "pass") return test;
  if (!isFailing(outcome)) {
    const message = point.reason ?? (outcome === "skip" ? "skipped" : outcome.toUpperCase());
    test.result = { kind: "skipped", type: outcome, message, body: "" };
    return test;
  }
  const diagnostics = point.diagnostics ?? [];
  const where = point.line === undefined ? [] : [`${cell.dir}/results.tap line ${point.line}`];
  const message =
    diagnostics.find((line) => line.trim() !== "---") ?? point.reason ?? `not ok ${point.name}`;
  test.result = {
    kind: outcome === "error" ? "error" : "failure",
    type: outcome,
    message: firstLine(message),
    body: [
      ...diagnostics,
      ...(diagnostics.length > 0 ? [""] : []),
      ...(point.reason ? [`${outcome}: ${point.reason}`] : []),
      ...where,
      `reproduce: ${cell.reproduce}`,
    ].join("\n"),
  };
  if (context.consoleTail?.length) test.systemOut = context.consoleTail.join("\n");
  return test;
}

function verdictOf(cell: CellRecord, unexplained: readonly string[]): JunitCase["result"] {
  const body = () =>
    [...unexplained, `reproduce: ${cell.reproduce}`, `logs: ${cell.dir}`].join("\n");
  const message = firstLine(unexplained[0] ?? cell.status);
  switch (cell.status) {
    case "fail":
    case "timeout":
      return unexplained.length > 0
        ? { kind: "failure", type: cell.status, message, body: body() }
        : undefined;
    case "error":
      return { kind: "error", type: "error", message, body: body() };
    case "skip":
    case "cancel":
      return { kind: "skipped", type: cell.status, message, body: "" };
    default:
      return undefined;
  }
}

// Each kernel report with its console lines.
function findingsText(cell: CellRecord): string {
  return (cell.attempts.at(-1)?.kernelFindings ?? [])
    .map((f) => {
      const allowed = f.allowedBy ? ` (allowed: ${f.allowedBy.reason})` : "";
      return `${findingReason(f)}${allowed}\n${f.excerpt.join("\n")}`;
    })
    .join("\n\n");
}

/** "platform-arch-kernel" (with the repetition) for a cell. */
export function cellLabel(cell: Pick<CellRecord, "id">): string {
  return cell.id.slice(cell.id.lastIndexOf("/") + 1);
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? "";
}
