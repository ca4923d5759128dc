// Console formats the kernel findings reader must know beyond the common one: newer kernels' WARNING
// title, printk's log level in front of a line (dmesg -r), /dev/kmsg records.
import assert from "node:assert/strict";
import { KernelFindingsReader, type KernelFinding } from "../../harness/console/kernel-findings.ts";
import { applyAllowances } from "../../harness/results/kernel-allow.ts";

function readAll(consoleLines: readonly string[]): readonly KernelFinding[] {
  const reader = new KernelFindingsReader();
  consoleLines.forEach((line, index) => reader.read(line, index));
  reader.finish();
  return reader.findings;
}

const summary = (findings: readonly KernelFinding[]) =>
  findings.map((f) => ({ class: f.class, line: f.line }));

describe("kernel findings in other console formats", () => {
  // Linux 6.19 (kernel/panic.c __warn) prints "WARNING: file:line at func, CPU#n: comm/pid".
  for (const [arch, frame] of [
    ["x86_64", "[   12.345800] RIP: 0010:lkdtm_WARNING+0x19/0x30 [lkdtm]"],
    ["arm64", "[   12.345800] pc : lkdtm_WARNING+0x10/0x20 [lkdtm]"],
  ] as const) {
    it(`reads the WARNING title of Linux 6.19 and later on ${arch}, with and without a file`, () => {
      const findings = readAll([
        "[    0.000000] Linux version 6.19.0-1-cloud (debian-kernel@lists.debian.org) #1 SMP",
        "[   12.345600] ------------[ cut here ]------------",
        "[   12.345690] WARNING: drivers/misc/lkdtm/bugs.c:89 at lkdtm_WARNING+0x19/0x30 [lkdtm], CPU#0: sh/97",
        "[   12.345700] Modules linked in: lkdtm",
        frame,
        "[   12.346000] ---[ end trace 0000000000000000 ]---",
        "[   13.000000] ------------[ cut here ]------------",
        "[   13.000100] WARNING: at kthread_worker_fn+0x1/0x2, CPU#1: kworker/1:1/40",
        "[   13.000200] ---[ end trace 0000000000000000 ]---",
      ]);
      assert.deepEqual(summary(findings), [
        {
          class: "warning",
          line: "WARNING: drivers/misc/lkdtm/bugs.c:89 at lkdtm_WARNING+0x19/0x30 [lkdtm], CPU#0: sh/97",
        },
        { class: "warning", line: "WARNING: at kthread_worker_fn+0x1/0x2, CPU#1: kworker/1:1/40" },
      ]);
      assert.equal(findings[0]?.excerpt.length, 5, "from the cut here line to the end trace");
      const allowed = applyAllowances(findings, [
        {
          pattern: String.raw`at drivers/misc/lkdtm/bugs\.c:\d+ |lkdtm/bugs\.c:\d+ at `,
          reason: "r",
        },
      ]);
      assert.ok(allowed[0]?.allowedBy, "a case's allow pattern can name the new form's file");
    });
  }

  it("still takes a test's own WARNING line in the new form for test output, not the kernel's", () => {
    const findings = readAll([
      "[    0.000000] Linux version 6.19.0-1-cloud #1 SMP",
      "WARNING: drivers/misc/lkdtm/bugs.c:89 at lkdtm_WARNING+0x19/0x30, CPU#0: sh/97",
      "[    5.000000] WARNING: low disk at /var, CPU#0 is fine",
    ]);
    assert.deepEqual(findings, []);
  });

  it("reads lines that carry printk's log level in front (dmesg -r), stamped or not", () => {
    const stamped = readAll([
      "<5>[    0.000000] Linux version 6.1.0-57-cloud-amd64 #1 SMP",
      "<4>[    3.000000] ------------[ cut here ]------------",
      "<4>[    3.000100] WARNING: CPU: 0 PID: 1 at kernel/fork.c:100 copy_process+0x1/0x2",
      "<4>[    3.000200] ---[ end trace 0000000000000000 ]---",
      "<1>[    4.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008",
    ]);
    assert.deepEqual(
      stamped.map((f) => f.class),
      ["warning", "oops"],
    );
    const unstamped = readAll([
      "<5>Linux version 6.1.0-57-cloud-amd64 #1 SMP",
      "<4>------------[ cut here ]------------",
      "<4>WARNING: CPU: 0 PID: 1 at kernel/fork.c:100 copy_process+0x1/0x2",
      "<4>---[ end trace 0000000000000000 ]---",
      "<3>BUG: KASAN: slab-use-after-free in foo+0x1/0x2",
    ]);
    assert.deepEqual(summary(unstamped), [
      {
        class: "warning",
        line: "WARNING: CPU: 0 PID: 1 at kernel/fork.c:100 copy_process+0x1/0x2",
      },
      { class: "kasan", line: "BUG: KASAN: slab-use-after-free in foo+0x1/0x2" },
    ]);
    assert.equal(
      unstamped[0]?.excerpt.length,
      3,
      "the cut here line and end trace are the report's",
    );
  });

  it("reads /dev/kmsg records (level,seq,usec,flags;message) printed on the console", () => {
    const findings = readAll([
      "[    0.000000] Linux version 6.1.0-57-cloud-amd64 #1 SMP",
      "4,812,3000100,-;WARNING: CPU: 0 PID: 1 at kernel/fork.c:100 copy_process+0x1/0x2",
      "4,813,3000200,-;Modules linked in:",
      "4,814,3000300,-;---[ end trace 0000000000000000 ]---",
    ]);
    assert.deepEqual(summary(findings), [
      {
        class: "warning",
        line: "WARNING: CPU: 0 PID: 1 at kernel/fork.c:100 copy_process+0x1/0x2",
      },
    ]);
    assert.equal(findings[0]?.kernelTimeS, 3.0001);
    assert.equal(findings[0]?.excerpt.length, 3);
  });
});
