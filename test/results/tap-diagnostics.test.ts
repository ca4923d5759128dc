// The comment lines and YAML blocks that explain a failing test point are kept with it.
import assert from "node:assert/strict";
import { parseTap, TapCollector } from "../../harness/results/tap.ts";
import { failingTests } from "../../harness/results/status.ts";
import { MAX_DIAGNOSTIC_LINES } from "../../harness/results/tap-diagnostics.ts";

describe("TAP diagnostics of failing points", () => {
  it("keeps the comment lines after a failing TAP point, and its line in the stream", async () => {
    const tap = await parseTap(
      "TAP version 13\n1..3\nok 1 - adds\n# a note about adds\nnot ok 2 - answer\n# expected 42, got 41\n#   at check.sh line 7\nok 3 - after\n# not about answer\n",
    );
    const [adds, answer, after] = tap.tests;
    assert.deepEqual(answer?.diagnostics, ["# expected 42, got 41", "#   at check.sh line 7"]);
    assert.equal(answer?.line, 5);
    assert.equal(adds?.diagnostics, undefined, "a passing point keeps no diagnostics");
    assert.equal(after?.diagnostics, undefined);
  });

  it("keeps a YAML block after a failing point, inside a subtest, with its own indentation", async () => {
    const tap = await parseTap(
      [
        "TAP version 14",
        "1..1",
        "# Subtest: maths",
        "    1..1",
        "    not ok 1 - sum",
        "      ---",
        "      message: sum is wrong",
        "      found: 41",
        "      wanted: 42",
        "      ...",
        "not ok 1 - maths",
        "",
      ].join("\n"),
    );
    const [sum] = failingTests(tap.tests).filter((p) => p.name === "sum");
    assert.deepEqual(sum?.diagnostics, [
      "  ---",
      "  message: sum is wrong",
      "  found: 41",
      "  wanted: 42",
      "  ...",
    ]);
    assert.equal(sum?.line, 5);
    assert.equal(tap.tests[0]?.diagnostics, undefined, "the parent failed by its child only");
  });

  it("keeps KTAP diagnostics that come before the failing result line, as KUnit prints them", async () => {
    const tap = await parseTap(
      [
        "KTAP version 1",
        "1..1",
        "    KTAP version 1",
        "    # Subtest: example",
        "    1..2",
        "    # example_simple_test: initializing",
        "    ok 1 example_simple_test",
        "    # example_fail_test: EXPECTATION FAILED at lib/kunit/kunit-example-test.c:29",
        "    Expected 1 + 1 == 3, but",
        "        1 + 1 == 2 (0x2)",
        "    not ok 2 example_fail_test",
        "not ok 1 example",
        "",
      ].join("\n"),
    );
    const [simple, failing] = tap.tests[0]?.children ?? [];
    assert.equal(simple?.diagnostics, undefined);
    assert.deepEqual(failing?.diagnostics, [
      "# example_fail_test: EXPECTATION FAILED at lib/kunit/kunit-example-test.c:29",
      "Expected 1 + 1 == 3, but",
      "    1 + 1 == 2 (0x2)",
    ]);
  });

  it("caps the lines kept and says how many more results.tap holds", async () => {
    const many = Array.from({ length: MAX_DIAGNOSTIC_LINES + 10 }, (_, i) => `# line ${i}`);
    const tap = await parseTap(["1..1", "not ok 1 - noisy", ...many, ""].join("\n"));
    const kept = tap.tests[0]?.diagnostics ?? [];
    assert.equal(kept.length, MAX_DIAGNOSTIC_LINES + 1);
    assert.equal(kept.at(-1), "… 10 more lines in results.tap");
  });

  it("gives the same diagnostics however the bytes are split", async () => {
    const text = "1..1\nnot ok 1 - x\n  ---\n  got: 1\n  ...\n# expected 2\n";
    const whole = await parseTap(text);
    const collector = new TapCollector();
    for (const ch of text) collector.write(ch);
    assert.deepEqual(await collector.end(), whole);
    assert.deepEqual(whole.tests[0]?.diagnostics, ["  ---", "  got: 1", "  ...", "# expected 2"]);
  });
});
