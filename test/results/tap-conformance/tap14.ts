// Conformance rows for TAP 14: subtests, their plans and result lines, YAML in subtests, pragmas.
import type { Expected } from "./expected.ts";

/** Fixture name → what it must give. */
export const TAP14_ROWS: Record<string, Expected> = {
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
};
