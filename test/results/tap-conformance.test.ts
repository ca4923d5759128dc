// One fixture per rule of TAP 13, TAP 14 and KTAP v1, each with the verdict, counts and tree it must give.
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseTap, type Outcome, type TestPoint } from "../../harness/results/tap.ts";
import { judge, type Status } from "../../harness/results/status.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/tap-conformance/", import.meta.url));

interface Expected {
  status: Exclude<Status, "flaky">;
  /** Non-zero outcome counts over the whole tree. */
  counts: Partial<Record<Outcome, number>>;
  /** Every test point, depth first, as "path: outcome". */
  tree: string[];
  /** Each must match at least one of the verdict's reasons. */
  reasons?: RegExp[];
}

const CONFORMANCE: Record<string, Expected> = {
  // TAP 13: the version line, the plan first, test lines.
  "tap13-version-and-plan-first": {
    status: "pass",
    counts: { pass: 3 },
    tree: ["opens: pass", "reads: pass", "closes: pass"],
  },
  // TAP 13: the plan may be the last line when the count was not known up front.
  "tap13-plan-at-end": {
    status: "pass",
    counts: { pass: 2 },
    tree: ["first: pass", "second: pass"],
  },
  // TAP 13: the plan must appear once; without it the stream may have died early.
  "tap13-no-plan": {
    status: "fail",
    counts: { pass: 2 },
    tree: ["first: pass", "second: pass"],
    reasons: [/no plan/],
  },
  "tap13-no-tests-no-plan": { status: "fail", counts: {}, tree: [], reasons: [/no plan/] },
  "tap13-plan-without-tests": {
    status: "fail",
    counts: {},
    tree: [],
    reasons: [/planned 2 tests, 0 reported/],
  },
  // TAP 13: the plan is a safeguard against a test file dying silently.
  "tap13-short-plan": {
    status: "fail",
    counts: { pass: 2 },
    tree: ["first: pass", "second: pass"],
    reasons: [/planned 3 tests, 2 reported/],
  },
  // TAP 13: numbers follow 1, 2, 3…; a repeated or out-of-order number is named.
  "tap13-duplicate-numbers": {
    status: "fail",
    counts: { pass: 3 },
    tree: ["first: pass", "first again: pass", "first once more: pass"],
    reasons: [/test number 1 .*again.*line 4/, /no result for test numbers 2, 3/],
  },
  "tap13-out-of-order-numbers": {
    status: "fail",
    counts: { pass: 3 },
    tree: ["first: pass", "third: pass", "second: pass"],
    reasons: [/test number 3 at line 4 is out of order, expected 2/],
  },
  // TAP 13: without numbers the harness keeps its own counter.
  "tap13-unnumbered-points": {
    status: "fail",
    counts: { pass: 2, fail: 1 },
    tree: ["first: pass", "second: fail", ": pass"],
    reasons: [/^fail: second$/],
  },
  // TAP 13: SKIP (any case, SKIP\S*) on ok or not ok is a skip.
  "tap13-skip-directive": {
    status: "pass",
    counts: { pass: 1, skip: 2 },
    tree: ["runs: pass", "needs a disk: skip", "needs a network: skip"],
  },
  // TAP 13: TODO points are not expected to pass; they never fail the run.
  "tap13-todo-failure": {
    status: "pass",
    counts: { pass: 1, todo: 2 },
    tree: ["works: pass", "planned feature: todo", "bonus: todo"],
  },
  // TAP 13: "1..0 # reason" skips the whole file.
  "tap13-skip-all-plan": { status: "skip", counts: {}, tree: [] },
  // TAP 13: Bail out! stops testing; the planned tests that did not run count as failures.
  "tap13-bail-out": {
    status: "fail",
    counts: { pass: 1 },
    tree: ["database handle: pass"],
    reasons: [/bail out: Cannot reach the database\./],
  },
  // TAP 13: a YAML block after a test line is data, not test lines.
  "tap13-yaml-block": {
    status: "pass",
    counts: { pass: 2 },
    tree: ["first: pass", "second: pass"],
  },
  "tap13-yaml-never-closed": {
    status: "error",
    counts: { pass: 2 },
    tree: ["first: pass", "second: pass"],
    reasons: [/YAML block .*line 5 .*never closed/],
  },
  // TAP 13: diagnostics are ignored, and so are lines that are not TAP.
  "tap13-diagnostics-and-unknown-lines": {
    status: "pass",
    counts: { pass: 2 },
    tree: ["first: pass", "second: pass"],
  },
  // TAP 14: "\#" and "\\" in a description are a literal # and \.
  "tap13-escaped-hash": {
    status: "pass",
    counts: { pass: 1 },
    tree: ["issue #42 fixed \\ done: pass"],
  },
  // TAP 13: the plan cannot be in the middle, nor appear twice, nor disagree with the points.
  "tap13-plan-in-the-middle": {
    status: "error",
    counts: { pass: 3 },
    tree: ["first: pass", "second: pass", "third: pass"],
    reasons: [/plan 1\.\.3 at line 3 .*middle/],
  },
  "tap13-two-plans": {
    status: "error",
    counts: { pass: 2 },
    tree: ["first: pass", "second: pass"],
    reasons: [/second plan .*line 5/],
  },
  "tap13-more-tests-than-planned": {
    status: "error",
    counts: { pass: 3 },
    tree: ["first: pass", "second: pass", "third: pass"],
    reasons: [/planned 2 tests, 3 reported/, /test number 3 .*outside the plan 1\.\.2/],
  },
  "tap13-trailing-plan-disagrees": {
    status: "error",
    counts: { pass: 2 },
    tree: ["first: pass", "second: pass"],
    reasons: [/plan 1\.\.3 at line 4 .*2 reported/],
  },
  "tap13-skip-all-with-tests": {
    status: "error",
    counts: { pass: 1 },
    tree: ["but something ran: pass"],
    reasons: [/skip-all plan/],
  },
  // The results stream may start with console output; the TAP starts at its first TAP line.
  "tap13-console-noise-before-stream": {
    status: "pass",
    counts: { pass: 1 },
    tree: ["fine: pass"],
  },
  // TAP 12 style: no version line; a test line or a plan at column 0 starts the stream.
  "tap12-no-header-no-plan": {
    status: "fail",
    counts: { pass: 1, fail: 1 },
    tree: ["first: pass", "second: fail"],
    reasons: [/^fail: second$/, /no plan/],
  },
  "tap12-no-header-plan-at-end": {
    status: "pass",
    counts: { pass: 2 },
    tree: ["first: pass", "second: pass"],
  },
  "tap12-no-header-passes-without-plan": {
    status: "fail",
    counts: { pass: 2 },
    tree: ["first: pass", "second: pass"],
    reasons: [/no plan/],
  },
  // TAP 14: a subtest is a TAP stream indented 4 spaces, closed by a test point in its parent.
  "tap14-subtest": {
    status: "pass",
    counts: { pass: 4 },
    tree: ["runc: pass", "runc > run: pass", "runc > exec: pass", "seccomp: pass"],
  },
  "tap14-subtest-comment-indented": {
    status: "pass",
    counts: { pass: 2 },
    tree: ["runc: pass", "runc > run: pass"],
  },
  "tap14-bare-subtest": {
    status: "pass",
    counts: { pass: 2 },
    tree: ["runc: pass", "runc > run: pass"],
  },
  // A failing child fails its parent, whatever the closing line says or names.
  "tap14-failing-child-ok-parent": {
    status: "fail",
    counts: { pass: 1, fail: 2 },
    tree: ["runc: fail", "runc > run: pass", "runc > exec: fail"],
    reasons: [/^fail: runc > exec$/],
  },
  "tap14-closing-line-names-another-test": {
    status: "fail",
    counts: { pass: 1, fail: 2 },
    tree: ["beta: fail", "beta > run: pass", "beta > exec: fail"],
    reasons: [/^fail: beta > exec$/],
  },
  "tap14-deep-failure": {
    status: "fail",
    counts: { pass: 1, fail: 3 },
    tree: [
      "outer: fail",
      "outer > middle: fail",
      "outer > middle > fine: pass",
      "outer > middle > broken: fail",
    ],
    reasons: [/^fail: outer > middle > broken$/],
  },
  // A TODO parent expects its subtests to fail.
  "tap14-todo-parent": {
    status: "pass",
    counts: { todo: 1, fail: 1 },
    tree: ["later: todo", "later > unfinished: fail"],
  },
  "tap14-subtest-without-plan": {
    status: "fail",
    counts: { pass: 2 },
    tree: ["runc: pass", "runc > run: pass"],
    reasons: [/^runc: no plan/],
  },
  "tap14-subtest-plan-at-end": {
    status: "pass",
    counts: { pass: 3 },
    tree: ["runc: pass", "runc > run: pass", "runc > exec: pass"],
  },
  // A stream that ends inside a subtest: the subtest failed, its results so far stay in the tree.
  "tap14-stream-ends-inside-subtest": {
    status: "fail",
    counts: { pass: 1, fail: 1 },
    tree: ["runc: fail", "runc > run: pass"],
    reasons: [/^fail: runc \(no result line/, /runc: planned 3 tests, 1 reported/],
  },
  "tap14-subtest-without-result-line": {
    status: "fail",
    counts: { pass: 1, fail: 1 },
    tree: ["runc: fail", "runc > run: pass"],
    reasons: [/subtest runc at line 2 has no result line/],
  },
  "tap14-indentation-of-no-subtest": {
    status: "error",
    counts: { pass: 2 },
    tree: ["runc: pass", "runc > run: pass"],
    reasons: [/line 6: .*indented by 2 .*belongs to no subtest/],
  },
  // TAP 14: YAML blocks are indented 2 spaces past their test line, in subtests too.
  "tap14-yaml-in-subtest": {
    status: "pass",
    counts: { pass: 1, todo: 1 },
    tree: ["runc: pass", "runc > run: todo"],
  },
  // TAP 14: under "pragma +strict" a line that is not TAP is an error.
  "tap14-pragma-strict": {
    status: "error",
    counts: { pass: 1 },
    tree: ["first: pass"],
    reasons: [/line 4: not TAP under pragma \+strict/],
  },
  "tap14-bail-out-in-subtest": {
    status: "fail",
    counts: { pass: 1, fail: 1 },
    tree: ["runc: fail", "runc > run: pass"],
    reasons: [/bail out: runtime vanished/],
  },
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
};

function flatten(points: readonly TestPoint[]): string[] {
  return points.flatMap((p) => [`${p.path.join(" > ")}: ${p.outcome}`, ...flatten(p.children)]);
}

function nonZero(counts: Record<Outcome, number>): Partial<Record<Outcome, number>> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

describe("TAP and KTAP conformance", () => {
  it("has a table row for every fixture and a fixture for every row", async () => {
    const files = (await readdir(FIXTURES)).filter((f) => f.endsWith(".tap"));
    assert.deepEqual(
      files.map((f) => f.replace(/\.tap$/, "")).sort(),
      Object.keys(CONFORMANCE).sort(),
    );
  });

  for (const [rule, expected] of Object.entries(CONFORMANCE)) {
    it(rule, async () => {
      const tap = await parseTap(await readFile(`${FIXTURES}${rule}.tap`, "utf8"));
      const verdict = judge({ tap });
      const seen = {
        status: verdict.status,
        counts: nonZero(tap.counts),
        tree: flatten(tap.tests),
      };
      const want = { status: expected.status, counts: expected.counts, tree: expected.tree };
      assert.deepEqual(seen, want, `reasons: ${JSON.stringify(verdict.reasons)}`);
      for (const reason of expected.reasons ?? []) {
        assert.ok(
          verdict.reasons.some((r) => reason.test(r)),
          `no reason matches ${reason}: ${JSON.stringify(verdict.reasons)}`,
        );
      }
    });
  }
});
