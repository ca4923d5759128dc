// The time left from earlier runs' durations of the same cells, and the heartbeat of the line view.
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pastDurations } from "../../harness/run/durations.ts";
import { estimateFromPastRuns } from "../../harness/report/progress/eta.ts";
import { lineRenderer } from "../../harness/report/progress/line.ts";
import { ProgressState } from "../../harness/report/progress/state.ts";
import type { startTicker } from "../../harness/report/progress/ticker.ts";
import { tempDir } from "../helpers/cli.ts";
import { cellOf, recordOf, runOf } from "./records.ts";

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

const [slow, quick, fresh] = [cellOf("slow"), cellOf("quick"), cellOf("fresh")];

async function logsWithEarlierRuns(): Promise<string> {
  const logs = await tempDir("harness-eta-");
  const runs = [
    ["20260101-000000-aaaa", [recordOf(slow, "pass", { durationMs: 100_000 })]],
    [
      "20260102-000000-bbbb",
      [
        recordOf(slow, "fail", { durationMs: 60_000 }),
        recordOf(quick, "pass", { durationMs: 10_000 }),
      ],
    ],
  ] as const;
  for (const [id, cells] of runs) {
    await mkdir(join(logs, id), { recursive: true });
    await writeFile(join(logs, id, "run.json"), JSON.stringify(runOf(id, [...cells])));
  }
  return logs;
}

describe("time left from earlier runs", () => {
  it("lays each cell's last duration on the parallel lanes, longest first", async () => {
    const past = await pastDurations(await logsWithEarlierRuns());
    let now = 0;
    const state = new ProgressState(() => now);
    state.run = {
      runId: "r",
      runDir: "/r",
      total: 3,
      parallel: 2,
      cellIds: [slow.id, quick.id, fresh.id],
      pastDurationsMs: past,
    };
    // Before any cell ran: slow (60 s, its newest run) on one lane; quick (10 s) and fresh (never
    // timed: the mean of the known ones, 35 s) on the other.
    assert.equal(state.remainingMs(), 60_000);
    state.start(slow);
    state.start(quick);
    now = 20_000;
    // slow has 40 s left; quick is past its 10 s and gets a tenth more, then fresh follows it.
    assert.equal(state.remainingMs(), 40_000);
    state.finish(recordOf(quick, "pass", { durationMs: 20_000 }));
    state.start(fresh);
    now = 50_000;
    // fresh, never timed, is taken to last as long as this run's finished cells: 20 s from 20 s.
    assert.equal(state.remainingMs(), 10_000);
  });

  it("falls back to this run's finished cells when no earlier run timed these cells", () => {
    const none = {
      parallel: 2,
      queued: [{ expectedMs: undefined }],
      running: [{ expectedMs: undefined, elapsedMs: 1000 }],
      finishedMs: [4000],
    };
    assert.equal(estimateFromPastRuns(none), undefined);
    let now = 0;
    const state = new ProgressState(() => now);
    state.run = { runId: "r", runDir: "/r", total: 2, parallel: 1, cellIds: [slow.id, quick.id] };
    state.run = { ...state.run, pastDurationsMs: new Map() };
    state.start(slow);
    now = 4000;
    state.finish(recordOf(slow, "pass", { durationMs: 4000 }));
    assert.equal(state.remainingMs(), 4000, "the mean of this run's finished cells");
  });
});

describe("the line view", () => {
  it("prints the header first and a heartbeat whenever 30 s would pass without a line", () => {
    let now = 0;
    const ticks: (() => void)[] = [];
    const intervals: number[] = [];
    const fakeTicker: typeof startTicker = (tick, intervalMs) => {
      ticks.push(tick);
      intervals.push(intervalMs);
      return { stop: () => ticks.splice(0), running: true };
    };
    const out = collector();
    const view = lineRenderer(out, {
      state: new ProgressState(() => now),
      startTicker: fakeTicker,
    });
    view.runStarted({ runId: "r", runDir: "/logs/r", total: 2, parallel: 1 });
    view.cellStarted(slow);
    const tickAt = (ms: number) => {
      now = ms;
      ticks.forEach((tick) => tick());
    };
    tickAt(10_000);
    tickAt(19_000);
    assert.equal(
      out.text(),
      "harness run r: 2 cells, 1 at once — logs in /logs/r\n",
      "quiet so far",
    );
    tickAt(20_000);
    tickAt(30_000);
    view.cellFinished(recordOf(slow, "pass", { durationMs: 35_000 }));
    tickAt(40_000);
    tickAt(55_000);
    tickAt(56_000);
    assert.ok(
      intervals.every((ms) => ms <= 10_000),
      `ticks often enough: ${intervals.join(", ")}`,
    );
    const lines = out.text().trimEnd().split("\n");
    assert.deepEqual(lines, [
      "harness run r: 2 cells, 1 at once — logs in /logs/r",
      "… 20.0s in: 0/2 done · no failures · 1 running · estimating time left",
      lines[2],
      "… 55.0s in: 1/2 done · no failures · 0 running · ~35.0s left",
    ]);
    assert.match(lines[2] ?? "", /^PASS +35\.0s +slow\//);
    view.runFinished(runOf("r", [recordOf(slow, "pass")]), "/logs/r");
    assert.equal(ticks.length, 0, "the heartbeat stops with the run");
    assert.match(out.text(), /— \/logs\/r\/index\.html\n$/);
  });
});
