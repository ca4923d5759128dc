// junit.xml as CI test reporters read it: one testcase per TAP test, the failing test's own words as
// its failure, flaky tests in Surefire's rerun format, the console's last lines beside a failure.
import assert from "node:assert/strict";
import type { AttemptRecord } from "../../harness/results/run-record.ts";
import { junitXml } from "../../harness/results/junit.ts";
import type { TestPoint } from "../../harness/results/tap.ts";
import { cellOf, recordOf, runOf } from "../report/records.ts";
import { junitProblems, readXml, type XmlElement } from "./junit-shape.ts";

function point(name: string, outcome: TestPoint["outcome"], extra: Partial<TestPoint> = {}) {
  const test: TestPoint = { id: 1, name, path: [name], outcome, children: [], ...extra };
  return test;
}

function attempt(number: number, status: AttemptRecord["status"], reasons: string[]) {
  return { number, status, reasons, startedAt: "", durationMs: 1000, phases: [] };
}

const answer = point("answer", "fail", {
  path: ["maths", "answer"],
  line: 7,
  diagnostics: ["# expected 42, got 41", "  ---", "  found: 41", "  ..."],
});
const maths = point("maths", "fail", {
  reason: "failed subtests: answer",
  children: [point("adds", "pass", { path: ["maths", "adds"] }), answer],
});
const failing = recordOf(cellOf("maths"), "fail", {
  reasons: ["fail: maths > answer"],
  caseFile: "/repo/cases/010_maths/test.sh",
  tests: [maths, point("later", "skip", { reason: "no network" })],
});
const flaky = recordOf(cellOf("wobbly"), "flaky", {
  reasons: ["passed on retry 2"],
  tests: [point("ping", "pass")],
  attempts: [attempt(1, "fail", ["fail: ping", "exit code 1"]), attempt(2, "pass", [])],
});
const broken = recordOf(cellOf("boot"), "error", { reasons: ["kernel panic at +3.0s"] });
const skipped = recordOf(cellOf("arm-only"), "skip", { reasons: ["not on x86_64"] });
const run = runOf("r1", [failing, flaky, broken, skipped]);
const tails = new Map([[failing.id, ["booting", "maths checks done"]]]);

function testcases(root: XmlElement): XmlElement[] {
  return root.children.flatMap((suite) => suite.children.filter((c) => c.name === "testcase"));
}

describe("junit.xml", () => {
  const root = readXml(junitXml(run, { consoleTails: tails, cwd: "/repo" }));
  const byName = (name: string) => testcases(root).find((c) => c.attributes.name === name);

  it("has the shape JUnit reporters accept, with counts that add up", () => {
    assert.deepEqual(junitProblems(root), []);
  });

  it("the shape check itself rejects what reporters reject", () => {
    const bad = readXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="2"><testsuite name="s" tests="1" failures="0" errors="0" time="x"><testcase name="t"><failure/><error/><blob/></testcase></testsuite></testsuites>',
    );
    assert.deepEqual(junitProblems(bad), [
      'testsuites > testsuite[s]: time="x" is not a number',
      "testsuites > testsuite[s] > testcase[t]: no classname attribute",
      "testsuites > testsuite[s] > testcase[t]: no time attribute",
      "testsuites > testsuite[s] > testcase[t]: more than one of skipped, failure, error",
      "testsuites > testsuite[s] > testcase[t]: <blob> is not allowed in <testcase>",
      'testsuite s: failures="0", has 1',
      'testsuite s: errors="0", has 1',
      'testsuites: tests="2", its suites sum to 1',
    ]);
    assert.throws(() => readXml('<?xml version="1.0" encoding="UTF-8"?>\n<a><b></a>'), /closes/);
  });

  it("gives each TAP test its own testcase, nested names joined, in a suite per cell", () => {
    const suite = root.children.find((s) => s.attributes.name === failing.id);
    assert.deepEqual(
      suite?.children.map((c) => [c.attributes.name, c.attributes.classname]),
      [
        ["maths > adds", failing.id],
        ["maths > answer", failing.id],
        ["later", failing.id],
      ],
      "the parent that failed only by its child is not counted twice",
    );
    assert.equal(byName("later")?.children[0]?.name, "skipped");
    assert.equal(byName("later")?.children[0]?.attributes.message, "no network");
  });

  it("names the case file and puts the TAP diagnostics in the failure", () => {
    const test = byName("maths > answer");
    assert.equal(test?.attributes.file, "cases/010_maths/test.sh");
    const failure = test?.children.find((c) => c.name === "failure");
    assert.equal(failure?.attributes.message, "# expected 42, got 41");
    assert.equal(failure?.attributes.type, "fail");
    assert.match(
      failure?.text ?? "",
      /^# expected 42, got 41\n {2}---\n {2}found: 41\n {2}\.\.\.\n/,
    );
    assert.match(failure?.text ?? "", /results\.tap line 7/);
    assert.match(failure?.text ?? "", /reproduce: npx harness run maths/);
  });

  it("puts the console's last lines in the failing testcase's system-out", () => {
    const out = byName("maths > answer")?.children.find((c) => c.name === "system-out");
    assert.equal(out?.text, "booting\nmaths checks done");
    assert.equal(byName("maths > adds")?.children.length, 0, "a passing test carries nothing");
  });

  it("marks a test that failed and then passed on retry with Surefire's flakyFailure", () => {
    const ping = byName("ping");
    assert.deepEqual(
      ping?.children.map((c) => [c.name, c.attributes.message]),
      [["flakyFailure", "fail: ping"]],
    );
    const rest = byName(flaky.id.slice(flaky.id.indexOf("/") + 1));
    assert.deepEqual(
      rest?.children.map((c) => [c.name, c.attributes.message]),
      [["flakyFailure", "exit code 1"]],
      "what no test explains stays on the cell",
    );
  });

  it("gives a cell without TAP tests one testcase with its verdict", () => {
    const boot = byName("qemu-x86_64-debian-6.1-cloud");
    assert.ok(boot, "the cell's own testcase");
    const suite = root.children.find((s) => s.attributes.name === broken.id);
    assert.equal(suite?.children[0]?.children[0]?.name, "error");
    assert.equal(suite?.children[0]?.children[0]?.attributes.message, "kernel panic at +3.0s");
    const skip = root.children.find((s) => s.attributes.name === skipped.id);
    assert.equal(skip?.children[0]?.children[0]?.attributes.message, "not on x86_64");
  });
});
