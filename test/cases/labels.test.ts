import assert from "node:assert/strict";
import { labelsAllow, parseLabels } from "../../harness/cases/labels.ts";
import type { HarnessError } from "../../harness/errors.ts";

const active = (expression: string) => parseLabels(expression, "-l");

describe("labels (rtf semantics)", () => {
  it("runs unlabelled cases whatever is set", () => {
    assert.equal(labelsAllow(parseLabels("", "t"), active("")), true);
    assert.equal(labelsAllow(parseLabels("", "t"), active("kernel")), true);
  });

  it("runs a labelled case only when one of its labels is set", () => {
    const own = parseLabels("kernel,slow", "t");
    assert.equal(labelsAllow(own, active("linux")), false);
    assert.equal(labelsAllow(own, active("slow")), true);
  });

  it("keeps out a case with !label when that label is set", () => {
    const own = parseLabels("!gcp", "t");
    assert.equal(labelsAllow(own, active("")), true);
    assert.equal(labelsAllow(own, active("gcp")), false);
  });

  it("keeps out a case carrying a label negated on the command line", () => {
    const own = parseLabels("amd64", "t");
    assert.equal(labelsAllow(own, active("amd64")), true);
    assert.equal(labelsAllow(own, active("amd64,!amd64")), false);
  });

  it("rejects malformed expressions with the flag and value", () => {
    for (const bad of ["a,,b", "!", "a b", "ok,!"]) {
      assert.throws(
        () => parseLabels(bad, "-l"),
        (error: HarnessError) => {
          assert.equal(error.exitCode, 2);
          assert.match(error.message, /-l/);
          return true;
        },
      );
    }
  });
});
