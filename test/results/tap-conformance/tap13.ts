// Conformance rows for TAP 13 and TAP 12 streams: version, plan, numbering, directives, YAML, bail out.
import type { Expected } from "./expected.ts";

/** Fixture name → what it must give. */
export const TAP13_ROWS: Record<string, Expected> = {
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
  // A log prefix before the version line (a journal's time, host and process) comes before every
  // line of the stream; its digits change from line to line.
  "tap13-prefix-with-changing-fields": {
    status: "fail",
    counts: { pass: 1, fail: 1 },
    tree: ["mounts: pass", "network: fail"],
    reasons: [/^fail: network$/],
  },
  // A plan past what the reader can count is read, not a crash or a billion-entry list.
  "tap13-huge-plan": {
    status: "error",
    counts: { pass: 1 },
    tree: ["only one: pass"],
    reasons: [/plan at line 2 promises more tests than can be counted/],
  },
  "tap13-huge-plan-skipping-numbers": {
    status: "fail",
    counts: { pass: 2 },
    tree: ["first: pass", "last: pass"],
    reasons: [
      /no result for test numbers 2, 3, .* and 3999999988 more of the plan 1\.\.4000000000/,
    ],
  },
};
