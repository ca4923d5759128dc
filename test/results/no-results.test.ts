// A driver whose only verdict is the results: an image that reports nothing fails, a script does not.
import assert from "node:assert/strict";
import { parseTap } from "../../harness/results/tap.ts";
import { judge } from "../../harness/results/status.ts";

describe("a cell that reports no results", () => {
  const channel = "the results channel (/dev/harness-results)";

  it("fails where results were required, saying where they should have come from", async () => {
    for (const text of ["", "booting\nall good\n", "# only a comment\n"]) {
      const verdict = judge({ tap: await parseTap(text), exitCode: 0, resultsRequired: channel });
      assert.equal(verdict.status, "fail", JSON.stringify(text));
      assert.deepEqual(verdict.reasons, [`no results: nothing was reported on ${channel}`]);
    }
  });

  it("passes a host script's exit code 0 without TAP, as rtf does", async () => {
    assert.equal(judge({ tap: await parseTap(""), exitCode: 0 }).status, "pass");
  });

  it("judges reported results as ever where they were required", async () => {
    const passing = await parseTap("1..1\nok 1 - fine\n");
    assert.equal(judge({ tap: passing, resultsRequired: channel }).status, "pass");
    const skipped = await parseTap("1..0 # SKIP no disk\n");
    assert.equal(judge({ tap: skipped, resultsRequired: channel }).status, "skip");
  });
});
