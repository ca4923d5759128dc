import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import type { AttemptRecord, KernelFindingRecord } from "../../harness/results/run-record.ts";
import { junitXml } from "../../harness/results/junit.ts";
import { printCell } from "../../harness/report/terminal.ts";
import { detailsHtml } from "../../harness/report/html/details.ts";
import { cellOf, recordOf, runOf } from "./records.ts";

const WARNING: KernelFindingRecord = {
  class: "warning",
  effect: "fail",
  line: "WARNING: CPU: 0 PID: 1 at kernel/exit.c:9 do_exit+0x1/0x2",
  atMs: 17_128,
  kernelTimeS: 15.274099,
  excerpt: [
    "[   15.267042] ------------[ cut here ]------------",
    "[   15.274099] WARNING: CPU: 0 PID: 1 at kernel/exit.c:9 do_exit+0x1/0x2",
    "[   15.437311] Call trace:",
    "[   15.452431] ---[ end trace 0000000000000000 ]---",
  ],
};
const REASON =
  "kernel WARNING at +17.1s: WARNING: CPU: 0 PID: 1 at kernel/exit.c:9 do_exit+0x1/0x2";

function attempt(findings: KernelFindingRecord[]): AttemptRecord {
  return {
    number: 1,
    status: "fail",
    reasons: [],
    startedAt: "2026-12-05T10:00:00.000Z",
    durationMs: 1000,
    phases: [],
    kernelFindings: findings,
  };
}

const failing = recordOf(cellOf("warns"), "fail", {
  reasons: [REASON],
  attempts: [attempt([WARNING])],
});
const allowed = recordOf(cellOf("allowed"), "pass", {
  attempts: [attempt([{ ...WARNING, allowedBy: { pattern: "exit\\.c", reason: "issue 12" } }])],
});

describe("kernel findings in the CLI, junit and the HTML report", () => {
  it("puts each finding's reason and console lines in junit, allowed ones in system-out", () => {
    const xml = junitXml(runOf("r", [failing, allowed]));
    assert.match(
      xml,
      /<failure type="fail" message="kernel WARNING at \+17\.1s: WARNING: CPU: 0 PID: 1 at kernel\/exit\.c:9/,
    );
    assert.match(
      xml,
      /\[ {3}15\.437311\] Call trace:\n\[ {3}15\.452431\] ---\[ end trace 0000000000000000 \]---<\/failure>/,
    );
    assert.match(
      xml,
      /<system-out>kernel WARNING at \+17\.1s: [^<]* \(allowed: issue 12\)\n\[ {3}15\.267042\]/,
    );
  });

  it("prints the reason of a failing cell, and an allowed WARNING under a passing one", () => {
    const out = new PassThrough();
    printCell(out, failing);
    printCell(out, allowed);
    const text = String(out.read());
    assert.match(text, new RegExp(`^ {10}${REASON.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    assert.match(
      text,
      /^PASS .* allowed\/qemu-x86_64-debian-6.1-cloud\n {10}allowed \(issue 12\): kernel WARNING at \+17\.1s: WARNING: CPU: 0/m,
    );
  });

  it("shows a Kernel findings section with the report's lines and its title marked", () => {
    const view = (cell: typeof failing) =>
      detailsHtml({ cell, anchor: "c", evidence: { files: [] } }).text;
    const page = view(failing);
    assert.match(page, /<h3>Kernel findings <small>1 on the console<\/small><\/h3>/);
    assert.match(
      page,
      /<strong>kernel WARNING<\/strong> at \+17\.128s of\s+console\.log \(kernel time 15\.274099\) — <span class="finding-fail"\s*>fails the cell/,
    );
    assert.match(
      page,
      /<span class="line mark"\s*>\[ {3}15\.274099\] WARNING: CPU: 0 PID: 1 at kernel\/exit\.c:9/,
    );
    assert.match(page, /<span class="line"\s*>\[ {3}15\.452431\] ---\[ end trace/);
    assert.match(view(allowed), /<span class="finding-allowed"\s*>allowed: issue 12</);
  });
});
