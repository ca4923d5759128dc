import assert from "node:assert/strict";
import { readFile, readdir, readlink, stat } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import runSchema from "../../harness/results/run.schema.json" with { type: "json" };
import type { RunRecord } from "../../harness/results/run-record.ts";
import { FIXTURES, harness, tempDir } from "../helpers/cli.ts";
import { processesWithEnv } from "../helpers/processes.ts";

const validateRun = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(
  runSchema,
);

async function runFixtures(args: string[]) {
  const scratch = await tempDir("harness-scratch-");
  const logs = await tempDir("harness-logs-");
  const result = await harness(
    ["run", "--cases", FIXTURES, "--platform", "qemu", "--logs", logs, "--run-id", "r1", ...args],
    { env: { FIXTURE_SCRATCH: scratch } },
  );
  const runDir = join(logs, "r1");
  const record = JSON.parse(await readFile(join(runDir, "run.json"), "utf8")) as RunRecord;
  return { result, record, runDir, logs, scratch };
}

function statusOf(record: RunRecord, name: string): string | undefined {
  return record.cells.find((c) => c.case === `fixtures.${name}`)?.status;
}

describe("harness run over host-script fixtures", function () {
  let run: Awaited<ReturnType<typeof runFixtures>>;

  before(async () => {
    run = await runFixtures(["--parallel", "4"]);
  });

  it("gives each ending its status", () => {
    const expected: Record<string, string> = {
      "outcomes.pass": "pass",
      "outcomes.fail": "fail",
      "outcomes.cancel": "cancel",
      "outcomes.hang": "timeout",
      "outcomes.crash": "fail",
      "tap.nested": "pass",
      "tap.ktap": "pass",
      "tap.ktap_fail": "fail",
      "tap.bailout": "fail",
      "tap.missing": "fail",
      "tap.skip_all": "skip",
      "io.big_output": "pass",
    };
    for (const [name, status] of Object.entries(expected))
      assert.equal(statusOf(run.record, name), status, name);
    assert.equal(
      run.record.cells.length,
      Object.keys(expected).length,
      "labelled cases stay out without -l",
    );
  });

  it("exits 1 when a test failed and prints one line per cell plus totals", () => {
    assert.equal(run.result.exitCode, 1);
    assert.equal(run.record.exitCode, 1);
    const lines = run.result.stdout.trim().split("\n");
    assert.equal(
      lines.filter((l) => /^(PASS|FAIL|TIMEOUT|SKIP|CANCEL|ERROR|FLAKY)\s/.test(l)).length,
      12,
    );
    assert.match(
      lines[lines.length - 1] ?? "",
      /^12 cells: 4 passed, 5 failed, 1 timed out, 1 cancelled, 1 skipped in [\d.]+s — /,
    );
    assert.match(
      run.result.stdout,
      /reproduce: npx harness run fixtures\.outcomes\.fail --platform qemu --arch x86_64/,
    );
  });

  it("writes a run.json that matches its schema, with attempts and nested tests", () => {
    assert.ok(validateRun(run.record), JSON.stringify(validateRun.errors, null, 2));
    const nested = run.record.cells.find((c) => c.case === "fixtures.tap.nested");
    assert.deepEqual(
      nested?.tests[0]?.children.map((t) => t.outcome),
      ["pass", "todo"],
    );
    assert.equal(
      nested?.attempts[0]?.phases.map((p) => p.name).join(","),
      "build,boot,drive,collect,teardown",
    );
  });

  it("stops a hanging script at its deadline and leaves no process behind", async () => {
    const hang = run.record.cells.find((c) => c.case === "fixtures.outcomes.hang");
    assert.ok(hang && hang.durationMs < 10_000, `hang took ${hang?.durationMs}ms`);
    assert.deepEqual(await processesWithEnv(`FIXTURE_SCRATCH=${run.scratch}`), []);
  });

  it("keeps 10 MB of output whole in console.log", async () => {
    const dir = join(run.runDir, "cells", "fixtures.io.big_output", "qemu-x86_64-debian-6.1-cloud");
    assert.ok((await stat(join(dir, "console.log"))).size > 10_000_000);
    assert.equal(
      await readFile(join(dir, "results.tap"), "utf8"),
      "TAP version 13\n1..1\nok 1 - survived 10 MB\n",
    );
  });

  it("runs group.sh init before and deinit after the group's cells", async () => {
    const order = (await readFile(join(run.scratch, "groups.log"), "utf8")).trim().split("\n");
    assert.deepEqual(order, [
      "root init",
      "outcomes init",
      "case pass",
      "outcomes deinit",
      "root deinit",
    ]);
  });

  it("writes junit.xml, summary.md and points logs/latest at the run", async () => {
    const junit = await readFile(join(run.runDir, "junit.xml"), "utf8");
    assert.match(junit, /<testsuites name="harness r1" tests="\d+" failures="\d+" errors="0"/);
    assert.equal(junit.match(/<testsuite /g)?.length, 12, "one testsuite per cell");
    assert.match(junit, /<failure type="timeout"/);
    const summary = await readFile(join(run.runDir, "summary.md"), "utf8");
    assert.match(summary, /fixtures\.tap\.bailout.*bail out: disk vanished/);
    assert.equal(await readlink(join(run.logs, "latest")), "r1");
    assert.deepEqual((await readdir(run.logs)).sort(), ["latest", "r1"]);
  });
});

describe("harness run retries and repeats", () => {
  it("marks a cell that times out and then passes on retry as flaky", async () => {
    const { result, record } = await runFixtures([
      "fixtures.io.flaky",
      "-l",
      "flaky",
      "--retries",
      "2",
    ]);
    assert.equal(result.exitCode, 0, result.stdout);
    const cell = record.cells[0];
    assert.equal(cell?.status, "flaky");
    assert.deepEqual(
      cell?.attempts.map((a) => a.status),
      ["timeout", "pass"],
    );
  });

  it("repeats cells and exits 0 when all pass", async () => {
    const { result, record } = await runFixtures(["fixtures.outcomes.pass", "--repeat", "3"]);
    assert.equal(result.exitCode, 0, result.stdout);
    assert.deepEqual(
      record.cells.map((c) => c.repeat),
      [1, 2, 3],
    );
  });

  it("takes only its shard's cells", async () => {
    const shards = await Promise.all(
      ["1/2", "2/2"].map(async (shard) =>
        (await runFixtures(["fixtures.tap", "--shard", shard])).record.cells.map((c) => c.id),
      ),
    );
    const all = (await runFixtures(["fixtures.tap"])).record.cells.map((c) => c.id);
    assert.deepEqual([...(shards[0] ?? []), ...(shards[1] ?? [])].sort(), [...all].sort());
    assert.ok((shards[0]?.length ?? 0) > 0 && (shards[1]?.length ?? 0) > 0);
  });
});
