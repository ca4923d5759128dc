// Which discovered cases a run takes: name patterns (rtf's prefix match, or globs) and labels.
import { labelsAllow, type LabelSet } from "./labels.ts";
import type { TestCase } from "./types.ts";
import { throwAll } from "../errors.ts";
import { globMatch, globProblems, isGlob } from "../util/glob.ts";

/** A case and whether the patterns and labels select it. */
export interface Selection {
  testCase: TestCase;
  selected: boolean;
  reason?: string;
}

/** True when `name` matches one of the patterns (none given matches everything). */
export function matchesPatterns(name: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) =>
    isGlob(pattern) ? globMatch(pattern, name) : name === pattern || name.startsWith(pattern),
  );
}

/** Marks every case selected or not, with the reason for those left out; bad globs all throw at once. */
export function selectCases(
  cases: readonly TestCase[],
  patterns: readonly string[],
  active: LabelSet,
): Selection[] {
  throwAll(globProblems(patterns.filter(isGlob), "the case patterns"));
  return cases.map((testCase) => {
    if (!matchesPatterns(testCase.name, patterns)) {
      return { testCase, selected: false, reason: "name does not match" };
    }
    const groupBlocked = testCase.groups.find((group) => !labelsAllow(group.labels, active));
    if (groupBlocked) {
      return {
        testCase,
        selected: false,
        reason: `labels of group ${groupBlocked.name || "(root)"}`,
      };
    }
    if (!labelsAllow(testCase.labels, active))
      return { testCase, selected: false, reason: "labels" };
    return { testCase, selected: true };
  });
}
