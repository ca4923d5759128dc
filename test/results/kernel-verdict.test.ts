import assert from "node:assert/strict";
import { parseTap } from "../../harness/results/tap.ts";
import { judge } from "../../harness/results/status.ts";
import type { KernelFindingRecord } from "../../harness/results/run-record.ts";

const WARNING: KernelFindingRecord = {
  class: "warning",
  effect: "fail",
  line: "WARNING: CPU: 0 PID: 1 at kernel/exit.c:9 do_exit+0x1/0x2",
  atMs: 12_345,
  kernelTimeS: 12.3,
  excerpt: ["[   12.300000] WARNING: CPU: 0 PID: 1 at kernel/exit.c:9 do_exit+0x1/0x2"],
};
const passingTap = () => parseTap("TAP version 13\n1..1\nok 1 - works\n");

describe("kernel findings in the verdict", () => {
  it("fails a cell whose TAP passed when the kernel printed a WARNING", async () => {
    const verdict = judge({ tap: await passingTap(), exitCode: 0, kernelFindings: [WARNING] });
    assert.deepEqual(verdict, {
      status: "fail",
      reasons: [
        "kernel WARNING at +12.3s: WARNING: CPU: 0 PID: 1 at kernel/exit.c:9 do_exit+0x1/0x2",
      ],
    });
  });

  it("passes an allowed WARNING", async () => {
    const allowed = { ...WARNING, allowedBy: { pattern: "kernel/exit\\.c", reason: "bug 1234" } };
    const verdict = judge({ tap: await passingTap(), kernelFindings: [allowed] });
    assert.equal(verdict.status, "pass");
  });

  it("makes a panic seen only after the guest was gone an error, and lists a BUG with the failing tests", async () => {
    const panic: KernelFindingRecord = {
      ...WARNING,
      class: "panic",
      effect: "error",
      line: "Kernel panic - not syncing: Fatal exception",
    };
    const late = judge({ tap: await passingTap(), kernelFindings: [WARNING, panic] });
    assert.deepEqual(late, {
      status: "error",
      reasons: ["kernel panic at +12.3s: Kernel panic - not syncing: Fatal exception"],
    });
    const bug = { ...WARNING, class: "bug" as const, line: "kernel BUG at mm/slub.c:1!" };
    const failing = await parseTap("TAP version 13\n1..1\nnot ok 1 - broke\n");
    assert.deepEqual(judge({ tap: failing, kernelFindings: [bug] }).reasons, [
      "fail: broke",
      "kernel BUG at +12.3s: kernel BUG at mm/slub.c:1!",
    ]);
  });
});
