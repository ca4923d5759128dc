// The search of harness bisect over an ordered list of kernels: the first bad one in as few tries as
// a binary search needs, the ends checked first.
import assert from "node:assert/strict";
import { bisectKernels, type KernelVerdict } from "../../harness/results/bisect.ts";

const KERNELS = Array.from({ length: 9 }, (_, i) => `k${i}`);

function judgeFrom(firstBad: number) {
  const asked: string[] = [];
  const judge = (kernel: string): Promise<KernelVerdict> => {
    asked.push(kernel);
    const bad = Number(kernel.slice(1)) >= firstBad;
    return Promise.resolve({ kernel, bad, summary: bad ? "1/1 failed" : "1/1 passed" });
  };
  return { asked, judge };
}

describe("bisect over kernels", () => {
  for (const firstBad of [1, 4, 8]) {
    it(`finds k${firstBad} as the first bad kernel of nine in at most five tries`, async () => {
      const { asked, judge } = judgeFrom(firstBad);
      const result = await bisectKernels(KERNELS, judge);
      assert.equal(result.firstBad?.kernel, `k${firstBad}`);
      assert.equal(result.lastGood?.kernel, `k${firstBad - 1}`);
      assert.ok(asked.length <= 5, asked.join(","));
      assert.equal(new Set(asked).size, asked.length, "no kernel judged twice");
    });
  }

  it("says when the first kernel already fails, or none does", async () => {
    const allBad = await bisectKernels(KERNELS, judgeFrom(0).judge);
    assert.equal(allBad.firstBad?.kernel, "k0");
    assert.equal(allBad.lastGood, undefined);
    const noneBad = await bisectKernels(KERNELS, judgeFrom(99).judge);
    assert.equal(noneBad.firstBad, undefined);
    assert.deepEqual(
      noneBad.tried.map((v) => v.kernel),
      ["k8"],
    );
  });
});
