// Conformance rows for KTAP v1, as the specification shows it and as kunit prints it on a console.
import type { Expected } from "./expected.ts";

/** Fixture name → what it must give. */
export const KTAP_ROWS: Record<string, Expected> = {
  // KTAP v1 as kunit prints it: 4 spaces a level, a version line and "# Subtest:" per suite,
  // parameterised cases one level deeper without a plan, statistics lines at any depth.
  "ktap-kunit-suites": {
    status: "pass",
    counts: { pass: 7, skip: 2 },
    tree: [
      "example: pass",
      "example > example_simple_test: pass",
      "example > example_skip_test: skip",
      "example > example_params_test: pass",
      "example > example_params_test > example value 3: pass",
      "example > example_params_test > example value 2: pass",
      "example > example_params_test > example value 0: skip",
      "list_sort: pass",
      "list_sort > list_sort_test: pass",
    ],
  },
  // KTAP: "if one of the subtests fail, the parent test should also fail".
  "ktap-kunit-failing-case-in-ok-suite": {
    status: "fail",
    counts: { pass: 1, fail: 2 },
    tree: ["example: fail", "example > example_simple_test: pass", "example > example_fail: fail"],
    reasons: [/^fail: example > example_fail$/],
  },
  // A kernel console puts a timestamp before every line and mixes in other messages.
  "ktap-kunit-console-timestamps": {
    status: "fail",
    counts: { pass: 1, fail: 1, timeout: 1 },
    tree: [
      "list_sort: fail",
      "list_sort > list_sort_test: pass",
      "list_sort > list_sort_big: timeout",
    ],
    reasons: [/^timeout: list_sort > list_sort_big \(30s\)$/],
  },
  // Older kernels: 2 spaces a level.
  "ktap-two-space-subtest-header": {
    status: "fail",
    counts: { pass: 2, skip: 1, fail: 2 },
    tree: [
      "example: pass",
      "example > example_simple_test: pass",
      "example > example_skip_test: skip",
      "other: fail",
      "other > other_case: fail",
    ],
    reasons: [/^fail: other > other_case$/],
  },
  // The example from the KTAP v1 specification, with its hierarchy.
  "ktap-spec-example": {
    status: "fail",
    counts: { pass: 5, skip: 2, fail: 3 },
    tree: [
      "main_test: fail",
      "main_test > example_test_1: pass",
      "main_test > example_test_1 > test_1: pass",
      "main_test > example_test_2: pass",
      "main_test > example_test_2 > test_1: skip",
      "main_test > example_test_2 > test_2: pass",
      "main_test > example_test_3: fail",
      "main_test > example_test_3 > test_1: pass",
      "main_test > example_test_3 > test_2: fail",
      "main_test > example_test_3 > test_3: skip",
    ],
    reasons: [/^fail: main_test > example_test_3 > test_2$/],
  },
  // KTAP directives: XFAIL, TIMEOUT, ERROR; other text after # is diagnostic data.
  "ktap-directives": {
    status: "fail",
    counts: { pass: 2, timeout: 1, error: 1 },
    tree: ["known_broken: pass", "slow: timeout", "setup: error", "check return code: pass"],
    reasons: [/^timeout: slow \(30 seconds\)$/, /^error: setup \(no such device\)$/],
  },
  "ktap-skip-suite": {
    status: "pass",
    counts: { pass: 1, skip: 2 },
    tree: ["example: skip", "other: pass", "other > other_case: skip"],
  },
  // KTAP: the plan may be omitted when the count is not known…
  "ktap-no-plan": { status: "pass", counts: { pass: 2 }, tree: ["first: pass", "second: pass"] },
  // …but a stream with no plan and no test is never a pass.
  "ktap-empty": { status: "fail", counts: {}, tree: [], reasons: [/no plan .*no test/] },
  // KTAP: unknown lines are allowed at any indentation and do not change any result.
  "ktap-unknown-lines-anywhere": {
    status: "pass",
    counts: { pass: 2 },
    tree: ["suite: pass", "suite > case: pass"],
  },
  // kunit.py takes whatever precedes the version line ("kunit: " after the timestamp) as a prefix
  // every following KTAP line carries too.
  "ktap-prefix-before-version": {
    status: "fail",
    counts: { pass: 1, fail: 2 },
    tree: [
      "example: fail",
      "example > example_simple_test: pass",
      "example > example_fail_test: fail",
    ],
    reasons: [/^fail: example > example_fail_test$/],
  },
};
