import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { ConsoleWatcher } from "../../harness/drivers/serial/console.ts";
import {
  KernelFindingsReader,
  MAX_REPORT_LINES,
  type KernelFinding,
} from "../../harness/console/kernel-findings.ts";
import { REPO } from "../helpers/cli.ts";

const CONSOLES = join(REPO, "test", "fixtures", "kernel-consoles");

async function lines(name: string): Promise<string[]> {
  const text = await readFile(join(CONSOLES, name), "utf8");
  return text.replace(/\n$/, "").split("\n");
}

function readAll(consoleLines: readonly string[]): readonly KernelFinding[] {
  const reader = new KernelFindingsReader();
  consoleLines.forEach((line, index) => reader.read(line, index));
  reader.finish();
  return reader.findings;
}

// A console as the UART delivers it: CRLF line ends, cut into reads at arbitrary places.
async function throughWatcher(text: string, chunkSizes: readonly number[]) {
  const stream = new PassThrough();
  const watcher = new ConsoleWatcher(stream, new PassThrough().resume(), 60_000);
  const bytes = Buffer.from(text.replace(/\n/g, "\r\n"));
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = chunkSizes[i % chunkSizes.length] ?? 1;
    stream.write(bytes.subarray(at, at + size));
    at += size;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return watcher;
}

const summary = (findings: readonly KernelFinding[]) =>
  findings.map((f) => ({ class: f.class, line: f.line }));

describe("kernel findings on the console", () => {
  it("reads an x86_64 WARNING, BUG and NULL dereference, each to its end trace", async () => {
    const findings = readAll(await lines("x86_64-warning-bug.txt"));
    assert.deepEqual(summary(findings), [
      {
        class: "warning",
        line: "WARNING: CPU: 0 PID: 97 at drivers/misc/lkdtm/bugs.c:89 lkdtm_WARNING+0x19/0x30 [lkdtm]",
      },
      { class: "bug", line: "kernel BUG at drivers/misc/lkdtm/bugs.c:76!" },
      { class: "oops", line: "BUG: kernel NULL pointer dereference, address: 0000000000000000" },
    ]);
    const [warning, bug, oops] = findings as [KernelFinding, KernelFinding, KernelFinding];
    assert.match(warning.excerpt[0] ?? "", /\[ cut here \]/);
    assert.match(warning.excerpt.at(-1) ?? "", /---\[ end trace 0000000000000000 \]---/);
    assert.equal(warning.excerpt.length, 20);
    assert.ok(warning.excerpt.includes("[   12.347300] Call Trace:"));
    assert.equal(warning.kernelTimeS, 12.34569);
    assert.equal(warning.effect, "fail");
    assert.ok(bug.excerpt.includes("[   20.100200] invalid opcode: 0000 [#1] PREEMPT SMP NOPTI"));
    assert.match(
      bug.excerpt.at(-1) ?? "",
      /end trace/,
      "the RIP line after the end trace is not part of it",
    );
    assert.ok(oops.excerpt.includes("[   30.000400] Oops: 0002 [#2] PREEMPT SMP NOPTI"));
    assert.ok(oops.atMs > bug.atMs && bug.atMs > warning.atMs);
  });

  it("reads the arm64 forms: pc/Call trace, Internal error: Oops - BUG, Unable to handle kernel", async () => {
    const findings = readAll(await lines("aarch64-warning-bug.txt"));
    assert.deepEqual(summary(findings), [
      {
        class: "warning",
        line: "WARNING: CPU: 0 PID: 1 at drivers/misc/lkdtm/bugs.c:89 lkdtm_WARNING+0x10/0x20 [lkdtm]",
      },
      { class: "bug", line: "kernel BUG at drivers/misc/lkdtm/bugs.c:76!" },
      {
        class: "oops",
        line: "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000",
      },
    ]);
    const [warning, bug, oops] = findings as [KernelFinding, KernelFinding, KernelFinding];
    assert.ok(warning.excerpt.includes("[   14.514400] pc : lkdtm_WARNING+0x10/0x20 [lkdtm]"));
    assert.ok(warning.excerpt.includes("[   14.515500] Call trace:"));
    assert.ok(
      bug.excerpt.includes(
        "[   22.000300] Internal error: Oops - BUG: 00000000f2000800 [#1] PREEMPT SMP",
      ),
    );
    assert.ok(
      oops.excerpt.includes("[   31.001200] Internal error: Oops: 0000000096000005 [#2] SMP"),
    );
    assert.match(oops.excerpt.at(-1) ?? "", /end trace/);
  });

  it("reads an arm64 BUG on its own (no kernel BUG at line) as a BUG", () => {
    const findings = readAll([
      "[    3.000000] Internal error: Oops - BUG: 00000000f2000800 [#1] SMP",
      "[    3.000100] pc : some_function+0x8/0x10",
    ]);
    assert.deepEqual(summary(findings), [
      { class: "bug", line: "Internal error: Oops - BUG: 00000000f2000800 [#1] SMP" },
    ]);
  });

  it("names every other report class, and which of them end the cell", async () => {
    const findings = readAll(await lines("x86_64-other-reports.txt"));
    assert.deepEqual(
      findings.map((f) => `${f.class}/${f.effect}`),
      [
        "kasan/fail",
        "ubsan/fail",
        "kfence/fail",
        "lockdep/fail",
        "lockdep/fail",
        "atomic-sleep/fail",
        "atomic-sleep/fail",
        "hung-task/error",
        "rcu-stall/error",
        "rcu-stall/error",
        "soft-lockup/error",
        "hard-lockup/error",
        "oops/fail",
        "panic/error",
      ],
    );
    const kasan = findings[0] as KernelFinding;
    assert.match(kasan.excerpt[0] ?? "", /={60}/, "the opening banner belongs to the report");
    assert.match(kasan.excerpt.at(-1) ?? "", /={60}/, "the closing banner ends it");
    assert.ok(!kasan.excerpt.some((line) => line.includes("Disabling lock debugging")));
    const lockdep = findings[3] as KernelFinding;
    assert.equal(lockdep.line, "WARNING: possible circular locking dependency detected");
    assert.ok(lockdep.excerpt.includes("[   43.400080] stack backtrace:"));
    assert.ok(
      !lockdep.excerpt.some((line) => line.includes("suspicious RCU")),
      "the next report starts its own finding",
    );
  });

  it("does not take test output that mentions these words for a kernel report", async () => {
    assert.deepEqual(readAll(await lines("test-output-noise.txt")), []);
  });

  it("reads unstamped kernel lines while the console shows no printk stamps (printk.time=0)", () => {
    const findings = readAll([
      "Linux version 6.1.0-57-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP",
      "------------[ cut here ]------------",
      "WARNING: CPU: 0 PID: 1 at kernel/fork.c:100 copy_process+0x1/0x2",
      "---[ end trace 0000000000000000 ]---",
    ]);
    assert.deepEqual(summary(findings), [
      {
        class: "warning",
        line: "WARNING: CPU: 0 PID: 1 at kernel/fork.c:100 copy_process+0x1/0x2",
      },
    ]);
    assert.equal(findings[0]?.excerpt.length, 3);
    assert.equal(findings[0]?.kernelTimeS, undefined);
  });

  it("bounds a report with no end marker, and ends one at a pause in the kernel's clock", () => {
    const long = [
      "[    9.000000] BUG: sleeping function called from invalid context at mm/slab.h:723",
      ...Array.from(
        { length: 300 },
        (_, i) => `[    9.${String(i + 1).padStart(6, "0")}]  frame_${i}+0x1/0x2`,
      ),
    ];
    assert.equal(readAll(long)[0]?.excerpt.length, MAX_REPORT_LINES);
    const paused = readAll([
      "[   10.000000] INFO: task sh:50 blocked for more than 120 seconds.",
      "[   10.000100]       Not tainted 6.1.0-57-cloud-amd64 #1",
      "[   15.000000] virtio_net virtio0 eth0: link up",
    ]);
    assert.equal(paused[0]?.excerpt.length, 2);
  });

  it("finds the same reports when lines arrive split across reads with CRLF ends", async () => {
    const text = await readFile(join(CONSOLES, "aarch64-warning-bug.txt"), "utf8");
    const expected = readAll(await lines("aarch64-warning-bug.txt"));
    const watcher = await throughWatcher(text, [7, 1, 64, 3, 250]);
    watcher.close();
    assert.deepEqual(summary(watcher.kernelFindings), summary(expected));
    assert.deepEqual(
      watcher.kernelFindings.map((f) => f.excerpt),
      expected.map((f) => f.excerpt),
    );
    assert.equal(watcher.fatalSeen, false, "a WARNING, BUG or oops does not end the cell");
  });

  it("reads a last report line that had no line end when the console closed", async () => {
    const watcher = await throughWatcher(
      "[    8.000000] ------------[ cut here ]------------\n[    8.000100] WARNING: CPU: 0 PID: 1 at kernel/exit.c:9 do_exit+0x1/0x2",
      [4096],
    );
    assert.deepEqual(watcher.kernelFindings, []);
    watcher.close();
    assert.deepEqual(summary(watcher.kernelFindings), [
      { class: "warning", line: "WARNING: CPU: 0 PID: 1 at kernel/exit.c:9 do_exit+0x1/0x2" },
    ]);
  });

  it("ends the cell at once on a hung task, as on a panic", async () => {
    const watcher = await throughWatcher(
      "[  245.800000] INFO: task kworker/0:1:23 blocked for more than 120 seconds.\n",
      [4096],
    );
    const failure = await watcher.failure;
    assert.match(failure.message, /^hung task: INFO: task kworker\/0:1:23 blocked/);
    assert.equal(watcher.kernelFindings[0]?.class, "hung-task");
    watcher.close();
  });
});
