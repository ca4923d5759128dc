// The console excerpt of a failing image cell centres on when the failure happened: the arrival of
// the failing TAP line (results come on their own channel, so console.log has no "not ok") or the
// kernel report's time, read against console.log's "[+  12.345]" offsets.
import assert from "node:assert/strict";
import { writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { cellEvidence } from "../../harness/report/html/evidence.ts";
import { TapCollector } from "../../harness/results/tap.ts";
import { tempDir } from "../helpers/cli.ts";
import { cellOf, recordOf } from "./records.ts";

function stampedConsole(count: number): string {
  return Array.from(
    { length: count },
    (_, i) => `[+${(i * 0.5).toFixed(3).padStart(8)}] guest line ${i + 1}`,
  ).join("\n");
}

async function cellDir(): Promise<{ runDir: string; dir: string }> {
  const runDir = await tempDir("harness-window-");
  const dir = "cells/c/qemu-x86_64-debian-6.1-cloud";
  await mkdir(join(runDir, dir), { recursive: true });
  await writeFile(join(runDir, dir, "console.log"), `${stampedConsole(400)}\n`);
  return { runDir, dir };
}

describe("the console around the failure time", () => {
  it("stamps each test point with its line's arrival on the console's clock", async () => {
    const collector = new TapCollector();
    collector.write("TAP version 13\n1..2\nok 1 - a\n", 1000);
    collector.write("not ok 2 -", 2000);
    collector.write(" b\n", 2500);
    const tap = await collector.end();
    assert.deepEqual(
      tap.tests.map((t) => [t.name, t.atMs]),
      [
        ["a", 1000],
        ["b", 2500],
      ],
    );
  });

  it("centres the console excerpt on the failing TAP line's arrival", async () => {
    const { runDir, dir } = await cellDir();
    const failing = { id: 2, name: "b", path: ["b"], outcome: "fail", children: [], atMs: 100_200 };
    const cell = recordOf(cellOf("c"), "fail", {
      dir,
      reasons: ["fail: b"],
      tests: [failing as never],
    });
    const excerpt = (await cellEvidence(runDir, cell)).console;
    // 100.2 s is just after line 201's "[+ 100.000]".
    assert.equal(excerpt?.caption, "console.log around +100.2s, when b failed (line 201)");
    assert.deepEqual(
      excerpt?.lines.filter((l) => l.mark).map((l) => l.number),
      [201],
    );
    assert.equal(excerpt?.lines[0]?.number, 186);
    assert.equal(excerpt?.lines.at(-1)?.number, 226);
  });

  it("centres it on a kernel report's time when no test says when", async () => {
    const { runDir, dir } = await cellDir();
    const finding = {
      class: "warning",
      effect: "fail",
      line: "WARNING: at x.c:1",
      atMs: 30_000,
      excerpt: [],
    };
    const cell = recordOf(cellOf("c"), "fail", {
      dir,
      reasons: ["kernel WARNING at +30.0s: WARNING: at x.c:1"],
      attempts: [
        {
          number: 1,
          status: "fail",
          reasons: [],
          startedAt: "",
          durationMs: 1,
          phases: [],
          kernelFindings: [finding as never],
        },
      ],
    });
    const excerpt = (await cellEvidence(runDir, cell)).console;
    assert.match(excerpt?.caption ?? "", /^console\.log around \+30\.0s, .* \(line 61\)$/);
  });

  it("marks the kernel report's own line among the lines that arrived with it", async () => {
    const { runDir, dir } = await cellDir();
    const batch = [
      "[+   4.268] [    3.879301] sysrq: Trigger a crash",
      "[+   4.268] [    3.879597] Kernel panic - not syncing: sysrq triggered crash",
      "[+   4.268] [    3.879850] CPU: 0 PID: 125 Comm: sh Not tainted",
      "[+   4.268] [    3.880268] Call Trace:",
      "[+   4.900] [    4.500000] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---",
    ];
    await writeFile(join(runDir, dir, "console.log"), `guest line 1\n${batch.join("\n")}\n`);
    const panic = {
      class: "panic",
      effect: "error",
      line: "Kernel panic - not syncing: sysrq triggered crash",
      atMs: 4268.4,
      excerpt: [],
    };
    const cell = recordOf(cellOf("c"), "error", {
      dir,
      reasons: ["kernel panic"],
      attempts: [
        {
          number: 1,
          status: "error",
          reasons: [],
          startedAt: "",
          durationMs: 1,
          phases: [],
          kernelFindings: [panic as never],
        },
      ],
    });
    const excerpt = (await cellEvidence(runDir, cell)).console;
    assert.match(excerpt?.caption ?? "", /when the kernel reported panic \(line 3\)$/);
    assert.deepEqual(
      excerpt?.lines.filter((l) => l.mark).map((l) => l.text),
      [batch[1]],
    );
    assert.equal(excerpt?.lines.length, 6, "the lines before and after it too");
  });
});
