// harness compare --history and harness report --history through the CLI, over a logs folder of
// synthetic nightlies: a kernel bump, a new failing test inside a failing cell, a flaky flip.
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ComparisonJson } from "../../harness/results/compare-report.ts";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { harness, tempDir } from "../helpers/cli.ts";
import { nightly, type CellSpec } from "../results/histories.ts";

const folders: string[] = [];
/** A temp folder removed after the tests of this file. */
async function made(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  folders.push(dir);
  return dir;
}

const key = (name: string) => `${name}/qemu-x86_64-debian-6.12-cloud`;

/** Five nightlies: net.ping passes then fails on a new kernel; fs.suite fails one test, then two; io.wobbly flips. */
function nightlies(): RunRecord[] {
  const wobbly: CellSpec["status"][] = ["pass", "fail", "pass", "pass", "fail"];
  return wobbly.map((flip, i) => {
    const last = i === 4;
    return nightly(i + 1, [
      {
        name: "net.ping",
        status: last ? "fail" : "pass",
        kernelVersion: last ? "6.12.117-1" : "6.12.107-1",
      },
      { name: "fs.suite", status: "fail", tests: { a: "fail", b: last ? "fail" : "pass" } },
      { name: "io.wobbly", status: flip },
    ]);
  });
}

async function writeRuns(logs: string, runs: RunRecord[]): Promise<void> {
  for (const run of runs) {
    await mkdir(join(logs, run.runId), { recursive: true });
    await writeFile(join(logs, run.runId, "run.json"), JSON.stringify(run));
  }
}

describe("harness compare --history and report --history", function () {
  after(() => Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true }))));
  this.timeout(60_000);
  let logs: string;
  let current: string;

  before(async () => {
    logs = await made("harness-history-");
    await writeRuns(logs, nightlies());
    current = join(logs, "nightly-5");
  });

  it("compares the current run with every earlier run of a logs folder", async () => {
    const out = await made("harness-history-out-");
    const result = await harness([
      "compare",
      "--history",
      logs,
      current,
      "--json",
      join(out, "compare.json"),
    ]);
    assert.equal(result.exitCode, 1, result.stderr);
    const json = JSON.parse(await readFile(join(out, "compare.json"), "utf8")) as ComparisonJson;
    assert.deepEqual(json.history, ["nightly-1", "nightly-2", "nightly-3", "nightly-4"]);
    assert.deepEqual(
      json.regressions.map((c) => c.key),
      [key("net.ping"), key("fs.suite")],
    );
    assert.deepEqual(
      json.flakes.map((c) => [c.key, c.kind]),
      [[key("io.wobbly"), "flaky"]],
    );
    const md = result.stdout;
    assert.match(md, /^## Compared with nightly-4 and 3 earlier runs/);
    assert.match(
      md,
      /\| `net\.ping\/[^`]+` \| ✅ pass \| ❌ fail \| failed \| {2}\| nightly-4: kernel 6\.12\.107-1 → 6\.12\.117-1 \| 🟩🟩🟩🟩🟥 \|/,
    );
    assert.match(
      md,
      /\| `fs\.suite\/[^`]+` \| ❌ fail \| ❌ fail \| failed \| newly failing: `suite > b` \|/,
    );
    assert.match(md, /### 🔁 Flaky[^]*io\.wobbly[^]*🟩🟥🟩🟩🟥/);
  });

  it("takes several baseline folders as a history too", async () => {
    const result = await harness([
      "compare",
      join(logs, "nightly-3"),
      join(logs, "nightly-4"),
      current,
      "--json",
      "-",
    ]);
    assert.equal(result.exitCode, 1, result.stderr);
    const json = JSON.parse(result.stdout) as ComparisonJson;
    assert.deepEqual(json.history, ["nightly-3", "nightly-4"]);
    assert.deepEqual(json.regressions.find((c) => c.key === key("io.wobbly"))?.history, [
      "pass",
      "pass",
      "fail",
    ]);
  });

  it("says what is wrong with a history (exit 2), and that a first run has nothing to compare", async () => {
    const both = await harness(["compare", "--history", logs, join(logs, "nightly-4"), current]);
    assert.equal(both.exitCode, 2);
    assert.match(
      both.stderr,
      /with --history, harness compare takes one run folder \(the current run\), got 2/,
    );
    const missing = await harness(["compare", "--history", join(logs, "nope"), current]);
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /nope is not a folder \(from --history\)/);
    const window = await harness(["compare", "--history", logs, current, "--window", "1"]);
    assert.equal(window.exitCode, 2);
    assert.match(window.stderr, /--window must be a whole number from 2/);
    const alone = await made("harness-history-alone-");
    await writeRuns(alone, [nightlies()[0]!]);
    const first = await harness(["compare", "--history", alone, join(alone, "nightly-1")]);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.match(first.stdout, /no earlier complete run in .*; nothing to compare/);
  });

  it("shows each cell's history as a row of squares in summary.md and index.html", async () => {
    const result = await harness(["report", current, "--history", logs]);
    assert.equal(result.exitCode, 0, result.stderr);
    const summary = await readFile(join(current, "summary.md"), "utf8");
    assert.match(summary, /### History over the last 5 runs/);
    assert.match(summary, /\| `io\.wobbly\/[^`]+` 🔁 \| 🟩🟥🟩🟩🟥 \| 3 flips \(75%\) \| 0 \|/);
    assert.match(summary, /\| `net\.ping\/[^`]+` \| 🟩🟩🟩🟩🟥 \| 1 flip \(25%\) \| 0 \|/);
    const page = await readFile(join(current, "index.html"), "utf8");
    const row = /<tr class="flaky" data-cell="io\.wobbly[^"]*">([^]*?)<\/tr>/.exec(page)?.[1] ?? "";
    assert.deepEqual(
      [...row.matchAll(/class="sq m-(\w+)" title="([^"]+)"/g)].map((m) => `${m[1]}@${m[2]}`),
      [
        "pass@nightly-1: pass",
        "fail@nightly-2: fail",
        "pass@nightly-3: pass",
        "pass@nightly-4: pass",
        "fail@nightly-5: fail",
      ],
    );
  });
});
