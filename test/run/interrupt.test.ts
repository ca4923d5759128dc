import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { FIXTURES, startHarness, tempDir } from "../helpers/cli.ts";
import { processesWithEnv } from "../helpers/processes.ts";

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Starts a run of `pattern` and resolves once the hang fixture's "sleep 1000" processes are up.
async function startHangingRun(pattern: string) {
  const scratch = await tempDir("harness-scratch-");
  const logs = await tempDir("harness-logs-");
  const marker = `FIXTURE_SCRATCH=${scratch}`;
  const args = ["run", pattern, "--cases", FIXTURES, "--platform", "qemu", "--logs", logs];
  const child = startHarness([...args, "--run-id", "cut", "--timeout", "5m", "--parallel", "2"], {
    env: { FIXTURE_SCRATCH: scratch },
  });
  await waitFor(async () => (await processesWithEnv(marker)).length >= 3, 20_000);
  // Let the quick cells finish first, so the partial record has finished cells as well as cancelled ones.
  if (pattern === "fixtures.outcomes") {
    await waitFor(
      async () =>
        (await readFile(join(scratch, "groups.log"), "utf8").catch(() => "")).includes("case pass"),
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { child, marker, logs };
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  describe(`${signal} during a run`, () => {
    it("stops every cell, leaves no child process, writes the partial record and exits 130", async () => {
      const { child, marker, logs } = await startHangingRun("fixtures.outcomes");
      child.kill(signal);
      const result = await child;
      assert.equal(result.exitCode, 130, String(result.all));
      assert.deepEqual(await processesWithEnv(marker), []);
      const record = JSON.parse(await readFile(join(logs, "cut", "run.json"), "utf8")) as RunRecord;
      assert.equal(record.state, "interrupted");
      assert.equal(record.exitCode, 130);
      const hang = record.cells.find((c) => c.case === "fixtures.outcomes.hang");
      assert.equal(hang?.status, "cancel");
      assert.ok(record.cells.some((c) => c.status === "pass" || c.status === "fail"));
    });
  });
}

describe("a second Ctrl-C", () => {
  it("hurries the stop but still leaves no child process, writes the record and exits 130", async () => {
    const { child, marker, logs } = await startHangingRun("fixtures.outcomes.hang");
    child.kill("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill("SIGINT");
    const result = await child;
    assert.equal(result.exitCode, 130, String(result.all));
    assert.deepEqual(await processesWithEnv(marker), []);
    const record = JSON.parse(await readFile(join(logs, "cut", "run.json"), "utf8")) as RunRecord;
    assert.equal(record.state, "interrupted");
    assert.deepEqual(
      record.cells.map((c) => [c.case, c.status]),
      [["fixtures.outcomes.hang", "cancel"]],
    );
  });
});

describe("a third signal", () => {
  it("exits at once, still leaving no child process", async () => {
    const { child, marker } = await startHangingRun("fixtures.outcomes.hang");
    for (const signal of ["SIGINT", "SIGINT", "SIGTERM"] as const) child.kill(signal);
    const result = await child;
    assert.equal(result.exitCode, 130, String(result.all));
    assert.deepEqual(await processesWithEnv(marker), []);
  });
});

describe("SIGKILL of the harness", () => {
  it("takes a host script and its background children with it", async () => {
    const { child, marker } = await startHangingRun("fixtures.outcomes.hang");
    child.kill("SIGKILL");
    await child;
    // No code of the harness runs after SIGKILL: what stops the script is outside it.
    await waitFor(async () => (await processesWithEnv(marker)).length === 0, 5000);
  });
});
