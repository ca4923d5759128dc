// harness compare --logs-repo: the history read back from a real logs repository (a bare git
// repository over file://) that harness publish wrote, newest N matching runs, the current one left out.
import assert from "node:assert/strict";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ComparisonJson } from "../../harness/results/compare-report.ts";
import { harness, tempDir } from "../helpers/cli.ts";
import { nightly } from "../results/histories.ts";
import { fileRemote, type Remote } from "./remotes.ts";

describe("harness compare --logs-repo", function () {
  this.timeout(120_000);
  let remote: Remote;
  let runs: string;

  before(async () => {
    remote = await fileRemote();
    runs = await tempDir("harness-history-repo-");
    // Four nightlies and a pull-request run: net.ping passes on 6.12.107 until nightly-4 on 6.12.117.
    const records = [1, 2, 3, 4].map((day) =>
      nightly(day, [
        {
          name: "net.ping",
          status: day < 4 ? "pass" : "fail",
          kernelVersion: day < 4 ? "6.12.107-1" : "6.12.117-1",
        },
      ]),
    );
    records.push({ ...nightly(5, [{ name: "net.ping", status: "fail" }]), runId: "pr-9-1" });
    for (const record of records) {
      const dir = join(runs, record.runId);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "run.json"), JSON.stringify(record));
      if (record.runId === "nightly-4") continue; // the current run: not published yet
      const published = await harness(["publish", dir, "--logs-repo", remote.url]);
      assert.equal(published.exitCode, 0, published.stderr + published.stdout);
    }
  });

  after(async () => {
    await remote?.stop();
    if (runs) await rm(runs, { recursive: true, force: true });
  });

  it("reads the newest matching runs as the history and names the kernel bump", async () => {
    const result = await harness([
      "compare",
      "--logs-repo",
      remote.url,
      "--match",
      "nightly-*",
      join(runs, "nightly-4"),
      "--window",
      "3",
      "--json",
      "-",
    ]);
    assert.equal(result.exitCode, 1, result.stderr);
    const json = JSON.parse(result.stdout) as ComparisonJson;
    assert.deepEqual(json.history, ["nightly-2", "nightly-3"]);
    assert.deepEqual(
      json.regressions.map((c) => [c.lastGoodRunId, c.changes]),
      [["nightly-3", [{ input: "kernel", before: "6.12.107-1", after: "6.12.117-1" }]]],
    );
  });

  it("has nothing to compare with when no run matches", async () => {
    const result = await harness([
      "compare",
      "--logs-repo",
      remote.url,
      "--match",
      "weekly-*",
      join(runs, "nightly-4"),
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stdout,
      /no earlier complete run in the logs repository; nothing to compare/,
    );
  });
});
