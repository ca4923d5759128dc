import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  cellEvidence,
  consoleExcerptOf,
  consoleTailOf,
  tapExcerpt,
} from "../../harness/report/html/evidence.ts";
import { compareWithBaseline, baselineMarkdown } from "../../harness/report/baseline.ts";
import { data, property } from "../../harness/report/annotations.ts";
import { gridOf } from "../../harness/report/html/grid.ts";
import { tempDir } from "../helpers/cli.ts";
import { cellOf, recordOf, runOf } from "./records.ts";

function lines(count: number, at: Record<number, string> = {}): string {
  return Array.from({ length: count }, (_, i) => at[i + 1] ?? `[+ ${i}.000] line ${i + 1}`).join(
    "\n",
  );
}

describe("what the report shows of a failing cell", () => {
  it("cuts the console around the first fatal line, with real line numbers", async () => {
    const dir = await tempDir("harness-evidence-");
    await writeFile(
      join(dir, "console.log"),
      lines(5000, {
        2000: "[  9.1] Kernel panic - not syncing: Fatal exception",
        3000: "Kernel panic - again",
      }),
    );
    const excerpt = await consoleExcerptOf(join(dir, "console.log"), "error");
    assert.equal(excerpt?.caption, "console.log around line 2000");
    assert.deepEqual(
      [excerpt?.lines[0]?.number, excerpt?.lines.at(-1)?.number, excerpt?.lines.length],
      [1985, 2025, 41],
    );
    assert.deepEqual(
      excerpt?.lines.filter((l) => l.mark).map((l) => l.number),
      [2000],
    );
  });

  it("shows the last lines before a deadline when nothing looks fatal", async () => {
    const dir = await tempDir("harness-evidence-");
    await writeFile(join(dir, "console.log"), `${lines(100)}\n\x1b[31mred\x1b[0m and a \x07bell\n`);
    const excerpt = await consoleExcerptOf(join(dir, "console.log"), "timeout");
    assert.equal(
      excerpt?.caption,
      "console.log, the last output before the deadline (of 101 lines)",
    );
    assert.equal(excerpt?.lines.length, 40);
    assert.equal(
      excerpt?.lines.at(-1)?.text,
      "red and a bell",
      "colour codes and control characters go",
    );
  });

  it("reads the console tail a boot failure carries in its reason", () => {
    const tail = consoleTailOf([
      "kernel panic: x during the test stage [EBOOT]\n  console tail:\n    booted\n    Kernel panic - not syncing: x\n    CPU: 0",
    ]);
    assert.deepEqual(
      tail?.lines.map((l) => [l.text, l.mark]),
      [
        ["booted", false],
        ["Kernel panic - not syncing: x", true],
        ["CPU: 0", false],
      ],
    );
    assert.equal(consoleTailOf(["no banner [EBOOT]\n  console tail:\n"]), undefined);
  });

  it("picks the failing TAP lines with their diagnostics, not TODO ones", async () => {
    const dir = await tempDir("harness-evidence-");
    await writeFile(
      join(dir, "results.tap"),
      "TAP version 13\n1..3\nok 1 - fine\nnot ok 2 - mount\n  ---\n  got: ro\n  ...\nnot ok 3 - later # TODO\nBail out! disk gone\n",
    );
    const excerpt = await tapExcerpt(join(dir, "results.tap"));
    assert.deepEqual(
      excerpt?.lines.map((l) => `${l.number}${l.mark ? "!" : " "}${l.text}`),
      ["4!not ok 2 - mount", "5   ---", "6   got: ro", "7   ...", "9!Bail out! disk gone"],
    );
  });

  it("keeps the comment lines after a failing TAP line, and the YAML block after them", async () => {
    const dir = await tempDir("harness-evidence-");
    await writeFile(
      join(dir, "results.tap"),
      "1..2\nnot ok 1 - answer\n# expected 42, got 41\n  ---\n  found: 41\n  ...\n# Subtest: next\nok 2 - next\n# after a pass\n",
    );
    const excerpt = await tapExcerpt(join(dir, "results.tap"));
    assert.deepEqual(
      excerpt?.lines.map((l) => `${l.number}${l.mark ? "!" : " "}${l.text}`),
      ["2!not ok 1 - answer", "3 # expected 42, got 41", "4   ---", "5   found: 41", "6   ..."],
    );
  });

  it("lists a cell's log files, earlier attempts included, but not its image", async () => {
    const runDir = await tempDir("harness-evidence-");
    const cell = cellOf("flaky");
    const dir = join(runDir, "cells", cell.id);
    await mkdir(join(dir, "attempts", "1"), { recursive: true });
    await mkdir(join(dir, "image"), { recursive: true });
    await writeFile(join(dir, "console.log"), "ok\n");
    await writeFile(join(dir, "disk0.raw"), "");
    await writeFile(join(dir, "image", "image-kernel"), "");
    await writeFile(join(dir, "attempts", "1", "console.log"), "waiting\n");
    const record = recordOf(cell, "flaky", {
      attempts: [
        {
          number: 1,
          status: "timeout",
          reasons: ["deadline passed"],
          startedAt: "",
          durationMs: 1,
          phases: [],
        },
        { number: 2, status: "pass", reasons: [], startedAt: "", durationMs: 1, phases: [] },
      ],
    });
    const evidence = await cellEvidence(runDir, record);
    assert.deepEqual(
      evidence.files.map((f) => f.path),
      [`cells/${cell.id}/attempts/1/console.log`, `cells/${cell.id}/console.log`],
    );
    assert.match(
      evidence.console?.lines[0]?.text ?? "",
      /^waiting$/,
      "a flaky cell shows its failed attempt",
    );
  });
});

describe("the grid, the baseline and GitHub's escaping", () => {
  it("makes a row per case and a column per platform/arch/kernel", () => {
    const cells = [
      recordOf(cellOf("a", "k2"), "pass"),
      recordOf(cellOf("a", "k1"), "fail"),
      recordOf(cellOf("b", "k1"), "pass"),
    ];
    const grid = gridOf(cells, { platforms: ["qemu"], arches: ["x86_64"], kernels: ["k2", "k1"] });
    assert.deepEqual(
      grid.rows.map((r) => r.caseName),
      ["a", "b"],
    );
    assert.deepEqual(
      grid.columns.map((c) => c.key),
      ["qemu/x86_64/k2", "qemu/x86_64/k1"],
    );
    assert.equal(grid.rows[1]?.slots.get("qemu/x86_64/k2"), undefined);
    assert.deepEqual(
      gridOf(cells).columns.map((c) => c.kernel),
      ["k1", "k2"],
      "unlisted values sort alphabetically",
    );
  });

  it("finds new failures and fixes by cell id", () => {
    const [a, b, c, d] = ["a", "b", "c", "d"].map((n) => cellOf(n)) as [
      ReturnType<typeof cellOf>,
      ReturnType<typeof cellOf>,
      ReturnType<typeof cellOf>,
      ReturnType<typeof cellOf>,
    ];
    const before = runOf("old", [recordOf(a, "pass"), recordOf(b, "error"), recordOf(c, "skip")]);
    const now = runOf("new", [
      recordOf(a, "fail"),
      recordOf(b, "flaky"),
      recordOf(c, "fail"),
      recordOf(d, "fail"),
    ]);
    const diff = compareWithBaseline(now, before);
    assert.deepEqual(
      [...diff.changes].map(([id, ch]) => [id.split("/")[0], ch.change]),
      [
        ["a", "new-failure"],
        ["b", "fixed"],
      ],
    );
    assert.match(baselineMarkdown(diff), /^### Compared with old: 1 new failure, 1 fix/);
  });

  it("escapes workflow command messages and properties as the Actions toolkit does", () => {
    assert.equal(data("50% done\r\nnext"), "50%25 done%0D%0Anext");
    assert.equal(property("a:b,c"), "a%3Ab%2Cc");
  });
});
