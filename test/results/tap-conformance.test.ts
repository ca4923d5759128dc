// One fixture per rule of TAP 13, TAP 14 and KTAP v1, each with the verdict, counts and tree it must give.
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { TapCollector, parseTap, type Outcome, type TestPoint } from "../../harness/results/tap.ts";
import { judge } from "../../harness/results/status.ts";
import { KTAP_ROWS } from "./tap-conformance/ktap.ts";
import { TAP13_ROWS } from "./tap-conformance/tap13.ts";
import { TAP14_ROWS } from "./tap-conformance/tap14.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/tap-conformance/", import.meta.url));

const CONFORMANCE = { ...TAP13_ROWS, ...TAP14_ROWS, ...KTAP_ROWS };

function flatten(points: readonly TestPoint[]): string[] {
  return points.flatMap((p) => [`${p.path.join(" > ")}: ${p.outcome}`, ...flatten(p.children)]);
}

// A small seeded generator, so a failing split can be replayed.
function chunkSizes(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return 1 + (state % 17);
  };
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

  // A loaded machine delivers the same bytes in other pieces: the verdict must not depend on them.
  it("gives every fixture the same verdict however its bytes are split", async () => {
    for (const rule of Object.keys(CONFORMANCE)) {
      const text = await readFile(`${FIXTURES}${rule}.tap`, "utf8");
      const whole = await parseTap(text);
      for (const seed of [1, 7, 42]) {
        const collector = new TapCollector();
        const next = chunkSizes(seed);
        for (let at = 0; at < text.length;) {
          const size = next();
          collector.write(text.slice(at, at + size));
          at += size;
        }
        const split = await collector.end();
        assert.deepEqual(split, whole, `${rule} split with seed ${seed}`);
        assert.deepEqual(judge({ tap: split }), judge({ tap: whole }), rule);
      }
    }
  });
});
