// One fixture per rule of TAP 13, TAP 14 and KTAP v1, each with the verdict, counts and tree it must give.
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseTap, type Outcome, type TestPoint } from "../../harness/results/tap.ts";
import { judge } from "../../harness/results/status.ts";
import { KTAP_ROWS } from "./tap-conformance/ktap.ts";
import { TAP13_ROWS } from "./tap-conformance/tap13.ts";
import { TAP14_ROWS } from "./tap-conformance/tap14.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/tap-conformance/", import.meta.url));

const CONFORMANCE = { ...TAP13_ROWS, ...TAP14_ROWS, ...KTAP_ROWS };

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
