import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { estimateRemainingMs } from "../../harness/report/progress/eta.ts";
import { progressKind } from "../../harness/report/progress/choose.ts";
import { jsonRenderer, type ProgressEvent } from "../../harness/report/progress/json.ts";
import { ProgressState } from "../../harness/report/progress/state.ts";
import { startTicker, type Ticker } from "../../harness/report/progress/ticker.ts";
import { statusLines, ttyRenderer } from "../../harness/report/progress/tty.ts";
import { FIXTURES, harness, tempDir } from "../helpers/cli.ts";
import { cellOf, recordOf, runOf } from "./records.ts";

const CSI = "\x1b[";

/** A stream that keeps what was written. */
function collector(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join("") });
}

async function runFixtures(args: string[], env: Record<string, string> = {}) {
  const logs = await tempDir("harness-progress-");
  return harness(
    ["run", "--cases", FIXTURES, "--platform", "qemu", "--logs", logs, "--run-id", "p", ...args],
    { env },
  );
}

describe("live progress", function () {
  this.timeout(120_000);

  it("estimates the time left from finished cells, over the parallel lanes", () => {
    const none = { total: 10, done: 0, parallel: 2, finishedMs: [], runningElapsedMs: [1000] };
    assert.equal(estimateRemainingMs(none), undefined);
    // 2 queued + 2 running (one half done, one past the mean) at 10 s per cell, 2 lanes.
    const some = { total: 6, done: 2, parallel: 2, finishedMs: [8000, 12_000] };
    assert.equal(estimateRemainingMs({ ...some, runningElapsedMs: [5000, 15_000] }), 13_000);
    assert.equal(estimateRemainingMs({ ...some, done: 6, runningElapsedMs: [] }), 0);
  });

  it("picks a view from the flags, the terminal and CI", () => {
    const base = { quiet: false, verbose: false, json: false, isTTY: true, env: {} };
    assert.equal(progressKind(base), "tty");
    assert.equal(progressKind({ ...base, env: { CI: "true" } }), "lines");
    assert.equal(progressKind({ ...base, env: { CI: "false" } }), "tty");
    assert.equal(progressKind({ ...base, isTTY: false }), "lines");
    assert.equal(progressKind({ ...base, json: true }), "json");
    assert.equal(progressKind({ ...base, quiet: true, isTTY: false }), "quiet");
    assert.throws(
      () => progressKind({ ...base, quiet: true, verbose: true }),
      /--quiet and --verbose/,
    );
  });

  it("draws running cells with their stage, done/total, failures and the time left", () => {
    let now = 0;
    const state = new ProgressState(() => now);
    state.run = { runId: "r", runDir: "/r", total: 4, parallel: 2 };
    const [a, b, c] = [cellOf("boot.a"), cellOf("boot.b"), cellOf("boot.c")];
    state.start(a);
    state.start(b);
    state.stage(a, "boot");
    state.stage(a, "kernel");
    state.stage(b, "build");
    now = 4000;
    state.finish(recordOf(c, "fail", { durationMs: 8000 }));
    now = 6000;
    assert.deepEqual(statusLines(state, 0, 100), [
      "⠋ boot.a/qemu-x86_64-debian-6.1-cloud boot · kernel  6.0s",
      "⠋ boot.b/qemu-x86_64-debian-6.1-cloud build  6.0s",
      "1/4 done · 1 failed · 2 running · ~6.0s left",
    ]);
    assert.ok(
      statusLines(state, 0, 30).every((line) => line.length <= 30),
      "lines fit the width",
    );
  });

  it("redraws in place on a terminal, prints failures above, and clears its timer", async () => {
    const out = collector();
    const tickers: Ticker[] = [];
    const view = ttyRenderer(out, {
      columns: 120,
      color: false,
      startTicker: (...args) => {
        const ticker = startTicker(...args);
        tickers.push(ticker);
        return ticker;
      },
    });
    const [a, b] = [cellOf("one"), cellOf("two")];
    view.runStarted({ runId: "r", runDir: "/r", total: 2, parallel: 2 });
    view.cellStarted(a);
    view.cellStarted(b);
    view.cellStage(a, "drive");
    assert.deepEqual(
      tickers.map((t) => t.running),
      [true],
      "one refresh timer while cells run",
    );
    await sleep(600);
    view.cellFinished(recordOf(a, "fail", { reasons: ["exit code 1"] }));
    view.cellFinished(recordOf(b, "pass"));
    assert.deepEqual(
      tickers.map((t) => t.running),
      [false],
      "the timer stops when nothing runs",
    );
    view.runFinished(runOf("r", [recordOf(a, "fail"), recordOf(b, "pass")]), "/r");
    view.close();
    const text = out.text();
    assert.ok(text.includes(`\r${CSI}3A${CSI}J`), "the block is erased before it is redrawn");
    assert.match(text, /FAIL +1\.2s +one\/qemu-x86_64-debian-6\.1-cloud\n {10}exit code 1\n/);
    assert.doesNotMatch(text, /PASS .*two/, "passing cells are only counted");
    assert.ok(text.startsWith("harness run r: 2 cells, 2 at once — logs in /r\n"), "header first");
    assert.ok(
      text.endsWith(`${CSI}J2 cells: 1 passed, 1 failed in 1m00s — /r/index.html\n`),
      "totals last, naming the report",
    );
    assert.ok((text.match(/[⠙⠹⠸]/g) ?? []).length >= 2, "the spinner turned while waiting");
  });

  it("stops a refresh timer at its deadline even if nobody stops it", async () => {
    let ticks = 0;
    const ticker = startTicker(() => ticks++, 10, 60);
    await sleep(150);
    assert.equal(ticker.running, false);
    const seen = ticks;
    assert.ok(seen >= 2 && seen <= 7, `${seen} ticks`);
    await sleep(60);
    assert.equal(ticks, seen, "no ticks after the deadline");
  });

  it("writes one JSON event per line", () => {
    const out = collector();
    const view = jsonRenderer(out, () => new Date("2026-01-01T00:00:00Z"));
    const cell = cellOf("one");
    view.runStarted({ runId: "r", runDir: "/r", total: 1, parallel: 1 });
    view.cellStarted(cell);
    view.cellStage(cell, "init");
    view.cellFinished(recordOf(cell, "pass"));
    view.runFinished(runOf("r", [recordOf(cell, "pass")]), "/r");
    const events = out
      .text()
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as ProgressEvent);
    assert.deepEqual(
      events.map((e) => e.event),
      ["run-start", "cell-start", "cell-stage", "cell-finish", "run-finish"],
    );
    assert.deepEqual(events[2], {
      event: "cell-stage",
      time: "2026-01-01T00:00:00.000Z",
      cell: cell.id,
      stage: "init",
    });
  });
});

describe("harness run's --json, --quiet and --verbose", function () {
  this.timeout(120_000);

  it("--json streams events with each cell's phases and ends with the totals", async () => {
    const result = await runFixtures(["fixtures.outcomes", "--json"]);
    assert.equal(result.exitCode, 1);
    const events = result.stdout.split("\n").map((line) => JSON.parse(line) as ProgressEvent);
    const started = events.filter((e) => e.event === "cell-start").map((e) => e.cell);
    assert.equal(started.length, 5);
    for (const cell of started) {
      const stages = events.flatMap((e) =>
        e.event === "cell-stage" && e.cell === cell ? [e.stage] : [],
      );
      assert.deepEqual(stages.slice(0, 3), ["build", "boot", "drive"], cell);
    }
    const last = events.at(-1);
    assert.equal(last?.event, "run-finish");
    assert.match(
      last?.event === "run-finish" ? last.totals : "",
      /^5 cells: 1 passed, 2 failed, 1 timed out, 1 cancelled/,
    );
  });

  it("--quiet prints only the cells that failed, and the totals", async () => {
    const result = await runFixtures(["fixtures.outcomes", "-q"]);
    const heads = result.stdout.split("\n").filter((line) => /^[A-Z]+ /.test(line));
    assert.deepEqual(heads.map((line) => line.split(/\s+/)[0]).sort(), ["FAIL", "FAIL", "TIMEOUT"]);
    assert.match(result.stdout.split("\n").at(-1) ?? "", /^5 cells: 1 passed, 2 failed/);
  });

  it("--verbose follows each cell's console in turn", async () => {
    const result = await runFixtures([
      "fixtures.outcomes.hang",
      "fixtures.outcomes.pass",
      "-v",
      "-j",
      "1",
    ]);
    assert.match(
      result.stdout,
      /──── console of fixtures\.outcomes\.hang\/\S+\n {2}│ hanging\nTIMEOUT /,
    );
  });

  it("refuses --quiet with --json", async () => {
    const result = await runFixtures(["--quiet", "--json"]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /--json and --quiet cannot be used together/);
  });

  it("annotates failures on stderr in GitHub Actions, keeping the totals line last", async () => {
    const result = await runFixtures(["fixtures.tap.missing"], {
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: FIXTURES,
    });
    assert.match(
      result.stderr,
      /^::error file=020_tap\/050_missing\/case\.yml,line=\d+,title=fail%3A fixtures\.tap\.missing/m,
    );
    assert.match(result.stdout.split("\n").at(-1) ?? "", /^1 cell: 0 passed, 1 failed/);
  });
});
