import assert from "node:assert/strict";
import { parseTap, TapCollector } from "../../harness/results/tap.ts";
import { judge } from "../../harness/results/status.ts";

describe("TAP and KTAP results", () => {
  it("reads nested TAP 13 subtests with SKIP and TODO", async () => {
    const tap = await parseTap(
      "TAP version 13\n1..2\n# Subtest: runc\n    1..2\n    ok 1 - run\n    not ok 2 - exec # TODO later\nok 1 - runc\nok 2 - seccomp # SKIP no seccomp\n",
    );
    assert.equal(tap.format, "tap");
    assert.deepEqual(
      tap.tests.map((t) => [t.name, t.outcome]),
      [
        ["runc", "pass"],
        ["seccomp", "skip"],
      ],
    );
    assert.deepEqual(
      tap.tests[0]?.children.map((t) => [t.path.join(" > "), t.outcome]),
      [
        ["runc > run", "pass"],
        ["runc > exec", "todo"],
      ],
    );
    assert.equal(judge({ tap }).status, "pass");
  });

  it("reads KTAP v1 nesting and the XFAIL, TIMEOUT and ERROR directives", async () => {
    const tap = await parseTap(
      "KTAP version 1\n1..1\n  KTAP version 1\n  # Subtest: suite\n  1..3\n  not ok 1 a # XFAIL known\n  not ok 2 b # TIMEOUT 30s\n  not ok 3 c # ERROR setup failed\nnot ok 1 suite\n",
    );
    assert.equal(tap.format, "ktap");
    const outcomes = tap.tests[0]?.children.map((t) => [t.name, t.outcome, t.reason]);
    assert.deepEqual(outcomes, [
      ["a", "xfail", "known"],
      ["b", "timeout", "30s"],
      ["c", "error", "setup failed"],
    ]);
    const verdict = judge({ tap });
    assert.equal(verdict.status, "fail");
    assert.ok(verdict.reasons.includes("timeout: suite > b (30s)"));
  });

  it("fails on a bail out, a short plan, a missing plan or a missing expected test", async () => {
    assert.match(
      judge({ tap: await parseTap("1..3\nok 1 a\nBail out! gone\n") }).reasons[0] ?? "",
      /bail out: gone/,
    );
    assert.deepEqual(judge({ tap: await parseTap("1..3\nok 1 a\n") }).reasons, [
      "planned 3 tests, 1 reported",
    ]);
    assert.equal(judge({ tap: await parseTap("TAP version 13\nok 1 a\n") }).status, "fail");
    const missing = judge({ tap: await parseTap("1..1\nok 1 a\n"), expect: { tests: ["a", "b"] } });
    assert.deepEqual(missing.reasons, ["missing test: b"]);
  });

  it("ignores console noise before the stream and survives chunks split mid-line", async () => {
    const collector = new TapCollector();
    for (const chunk of ["[    0.1] booting\nTA", "P version 13\n1..1\no", "k 1 - fine\n"])
      collector.write(chunk);
    const tap = await collector.end();
    assert.deepEqual(
      tap.tests.map((t) => t.name),
      ["fine"],
    );
    assert.equal(collector.tapText(), "TAP version 13\n1..1\nok 1 - fine\n");
  });

  it("starts a stream at a test line with no version line, and strips kernel timestamps, across chunks", async () => {
    const collector = new TapCollector();
    for (const chunk of [
      "[    0.1] booting\n[    1.2] o",
      "k 1 - up\n[    1.3] not ok 2 - d",
      "own\n",
    ])
      collector.write(chunk);
    const tap = await collector.end();
    assert.deepEqual(
      tap.tests.map((t) => [t.name, t.outcome]),
      [
        ["up", "pass"],
        ["down", "fail"],
      ],
    );
    assert.equal(collector.tapText(), "[    1.2] ok 1 - up\n[    1.3] not ok 2 - down\n");
    assert.equal(judge({ tap, exitCode: 0 }).status, "fail");
  });

  it("reports a skip-all plan as skip, and no TAP at all as a plain exit-code verdict", async () => {
    assert.equal(judge({ tap: await parseTap("1..0 # SKIP no kvm\n") }).status, "skip");
    assert.equal(judge({ tap: await parseTap("hello\n"), exitCode: 0 }).status, "pass");
    assert.equal(judge({ tap: await parseTap("hello\n"), exitCode: 2 }).status, "fail");
    assert.equal(judge({ tap: await parseTap("hello\n"), exitCode: 253 }).status, "cancel");
  });
});
