import assert from "node:assert/strict";
import { applyAllowances } from "../../harness/results/kernel-allow.ts";
import type { KernelFinding } from "../../harness/console/kernel-findings.ts";

const finding = (kind: KernelFinding["class"], line: string): KernelFinding => ({
  class: kind,
  effect: "fail",
  line,
  atMs: 1000,
  excerpt: [`[    1.000000] ${line}`],
});

describe("kernel.allow applied to findings", () => {
  it("marks the WARNINGs an entry matches, and never a BUG", () => {
    const allow = [{ pattern: "at kernel/exit\\.c:\\d+ ", reason: "known, see issue 12" }];
    const records = applyAllowances(
      [
        finding("warning", "WARNING: CPU: 0 PID: 1 at kernel/exit.c:9 do_exit+0x1/0x2"),
        finding("warning", "WARNING: CPU: 0 PID: 1 at mm/slub.c:9 kfree+0x1/0x2"),
        finding("bug", "kernel BUG at kernel/exit.c:9 "),
      ],
      allow,
    );
    assert.deepEqual(
      records.map((r) => r.allowedBy),
      [
        { pattern: "at kernel/exit\\.c:\\d+ ", reason: "known, see issue 12" },
        undefined,
        undefined,
      ],
    );
  });
});
