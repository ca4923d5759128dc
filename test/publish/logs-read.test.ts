// harness fetch-run: runs read back from a real logs repository (a bare git repository over
// file://) that harness publish wrote: the newest nightly, one by id, a gzipped run.json, none.
import assert from "node:assert/strict";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { harness, tempDir } from "../helpers/cli.ts";
import { fileRemote, filesOf, type Remote } from "./remotes.ts";
import { readRecord, runVariant } from "./runs.ts";

describe("harness fetch-run", function () {
  this.timeout(120_000);
  let remote: Remote;
  let runs: string;

  // Published runs: two nightlies a day apart and a later pull-request run.
  const runsToPublish: [string, string, string][] = [
    ["nightly-1", "2026-01-01T02:17:00.000Z", "pass"],
    ["nightly-2", "2026-01-02T02:17:00.000Z", "fail"],
    ["pr-7-1", "2026-01-03T09:00:00.000Z", "pass"],
  ];

  before(async () => {
    remote = await fileRemote();
    runs = await tempDir("harness-fetch-runs-");
    for (const [runId, startedAt, variant] of runsToPublish) {
      const dir = await runVariant(runs, runId, variant as "pass" | "fail");
      const record = await readRecord(dir);
      await writeFile(
        join(dir, "run.json"),
        JSON.stringify({ ...record, startedAt, finishedAt: startedAt }),
      );
      const published = await harness(["publish", dir, "--logs-repo", remote.url]);
      assert.equal(published.exitCode, 0, published.stderr + published.stdout);
    }
  });

  after(async () => {
    await remote?.stop();
    if (runs) await rm(runs, { recursive: true, force: true });
  });

  const fetchRun = (...args: string[]) =>
    harness(["fetch-run", "--logs-repo", remote.url, ...args]);
  const fetched = async (dir: string) =>
    JSON.parse(await readFile(join(dir, "run.json"), "utf8")) as RunRecord;

  it("takes the newest complete run whose id matches, skipping an excluded one", async () => {
    const out = await tempDir("harness-fetch-");
    const newest = await fetchRun("--match", "nightly-*", "-o", out);
    assert.equal(newest.exitCode, 0, newest.stderr);
    assert.match(newest.stdout, /^fetched nightly-2 into /);
    const run = await fetched(out);
    assert.equal(run.runId, "nightly-2");
    assert.equal(run.exitCode, 1);
    assert.ok(run.cells.length > 0);
    const earlier = await tempDir("harness-fetch-");
    const before = await fetchRun("--match", "nightly-*", "--exclude", "nightly-2", "-o", earlier);
    assert.equal(before.exitCode, 0, before.stderr);
    assert.equal((await fetched(earlier)).runId, "nightly-1");
  });

  it("takes a run by id, and refuses an id the index does not have (exit 2)", async () => {
    const out = await tempDir("harness-fetch-");
    const byId = await fetchRun("pr-7-1", "-o", out);
    assert.equal(byId.exitCode, 0, byId.stderr);
    assert.equal((await fetched(out)).runId, "pr-7-1");
    const unknown = await fetchRun("nightly-0", "-o", out);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /run nightly-0 is not in the index of file:\/\//);
  });

  it("writes nothing and exits 0 when no run matches (the first nightly)", async () => {
    const out = await tempDir("harness-fetch-");
    const none = await fetchRun("--match", "weekly-*", "-o", out);
    assert.equal(none.exitCode, 0, none.stderr);
    assert.match(none.stdout, /no complete run matching weekly-\* in the logs repository/);
    assert.deepEqual(await readdir(out), []);
  });

  it("reads a run.json that was published gzipped", async () => {
    const config = join(runs, "harness.yml");
    await writeFile(config, "publish:\n  gzipAboveBytes: 1024\n");
    const dir = await runVariant(runs, "nightly-gz", "fail");
    const published = await harness([
      "publish",
      dir,
      "--logs-repo",
      remote.url,
      "--config",
      config,
    ]);
    assert.equal(published.exitCode, 0, published.stderr);
    assert.ok((await filesOf(remote.gitDir, "runs/nightly-gz")).includes("run.json.gz"));
    const out = await tempDir("harness-fetch-");
    const result = await fetchRun("nightly-gz", "-o", out);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(
      (await fetched(out)).cells.map((c) => c.id),
      (await readRecord(dir)).cells.map((c) => c.id),
    );
  });

  it("needs --logs-repo and -o (exit 2)", async () => {
    const result = await harness(["fetch-run", "--match", "nightly-*"]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /needs --logs-repo URL and -o DIR/);
  });
});
