// One level of a TAP/KTAP stream (the top or a subtest) and the checks of its plan and test numbers.
import type { TestPoint } from "./tap-point.ts";

/** A problem found at some depth; `path` names the subtest it belongs to. */
export interface Problem {
  path: string[];
  text: string;
  /** True when the stream could not be placed (status error); false for plan and numbering failures. */
  parse: boolean;
}

/** The plan line a level read. */
export interface PlanSeen {
  end: number;
  line: number;
  /** After the level's test lines (the count was not known up front). */
  trailing: boolean;
  /** Set for "1..0 # SKIP reason". */
  skip?: string;
}

/** What the reader keeps for one level while the level is open. */
export interface Level {
  indent: number;
  /** From a "# Subtest:" line, when there was one. */
  name?: string;
  /** Where the level began: its "# Subtest:" line or its first line. */
  openedAt: number;
  ktap: boolean;
  points: TestPoint[];
  plan?: PlanSeen;
  /** Test number → the line that first reported it. */
  ids: Map<number, number>;
  lastId: number;
  /** Numbers came repeated or out of order. */
  irregular: boolean;
  /** A test line came after a trailing or skip-all plan (reported once). */
  pastPlan: boolean;
  problems: Problem[];
  /** A subtest that ended, waiting for the result line that closes it. */
  closedChild?: Level;
  /** A "# Subtest: name" line for the next subtest opened here. */
  childName?: { name: string; line: number };
}

/** A fresh level. */
export function newLevel(indent: number, openedAt: number, ktap: boolean, name?: string): Level {
  const level: Level = {
    indent,
    openedAt,
    ktap,
    points: [],
    ids: new Map(),
    lastId: 0,
    irregular: false,
    pastPlan: false,
    problems: [],
  };
  if (name !== undefined) level.name = name;
  return level;
}

/** Records a problem of this level. */
export function addProblem(level: Level, text: string, parse: boolean): void {
  level.problems.push({ path: [], text, parse });
}

/** Checks a test number against the ones before it at this level. */
export function checkNumber(level: Level, id: number | undefined, line: number): number {
  const expected = level.lastId + 1;
  const number = id ?? expected;
  const first = level.ids.get(number);
  if (first !== undefined) {
    addProblem(
      level,
      `test number ${number} reported again at line ${line} (first at line ${first})`,
      false,
    );
    level.irregular = true;
  } else if (number !== expected) {
    addProblem(
      level,
      `test number ${number} at line ${line} is out of order, expected ${expected}`,
      false,
    );
    level.irregular = true;
  }
  if (first === undefined) level.ids.set(number, line);
  level.lastId = number;
  return number;
}

/** The plan's verdict on a level whose lines have all been read. */
export function checkPlan(level: Level): void {
  const reported = level.points.length;
  const plan = level.plan;
  if (plan === undefined) {
    if (reported === 0) addProblem(level, "no plan (1..N) and no test results", false);
    else if (!level.ktap) addProblem(level, "no plan (1..N) in the TAP output", false);
    return;
  }
  if (plan.skip !== undefined) return;
  if (plan.trailing && reported !== plan.end) {
    const says = `plan 1..${plan.end} at line ${plan.line} says ${plan.end} tests`;
    addProblem(level, `${says}, ${reported} reported`, true);
  } else if (reported !== plan.end) {
    addProblem(level, `planned ${plan.end} tests, ${reported} reported`, reported > plan.end);
  }
  const outside = [...level.ids.keys()].filter((id) => id > plan.end);
  if (outside.length > 0) {
    const which =
      outside.length === 1
        ? `test number ${outside[0]} is`
        : `test numbers ${outside.join(", ")} are`;
    addProblem(level, `${which} outside the plan 1..${plan.end}`, true);
  }
  if (!level.irregular) return;
  const missing = missingNumbers(level.ids, plan.end);
  if (missing === "") return;
  addProblem(level, `no result for test numbers ${missing} of the plan 1..${plan.end}`, false);
}

/** How many missing numbers a reason lists before it says how many more there are. */
const LISTED_MISSING = 10;

// The plan's numbers with no result, the first few listed: a plan can promise billions of tests.
function missingNumbers(ids: ReadonlyMap<number, number>, end: number): string {
  const seen = [...ids.keys()].filter((id) => id >= 1 && id <= end).length;
  const count = end - seen;
  const listed: number[] = [];
  for (let id = 1; id <= end && listed.length < Math.min(count, LISTED_MISSING); id++)
    if (!ids.has(id)) listed.push(id);
  const more = count - listed.length;
  return listed.join(", ") + (more > 0 ? ` and ${more} more` : "");
}

/** Moves a closed subtest's problems to its parent, under the name of the point that closed it. */
export function liftProblems(child: Level, parent: Level, name: string): void {
  for (const problem of child.problems)
    parent.problems.push({ ...problem, path: [name, ...problem.path] });
}

/** Formats a problem for a verdict: "suite > case: what". */
export function formatProblem(problem: Problem): string {
  return problem.path.length === 0 ? problem.text : `${problem.path.join(" > ")}: ${problem.text}`;
}
