import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import runSchema from "../../harness/results/run.schema.json" with { type: "json" };
import type { RunRecord } from "../../harness/results/run-record.ts";
import { REPO, harness, startHarness, tempDir } from "../helpers/cli.ts";
import { qemuProcessesUnder } from "../helpers/processes.ts";

const validateRun = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(
  runSchema,
);
const ROUNDS = 20;

describe("interrupting runs that boot guests", function () {
  this.timeout(900_000);

  before(async () => {
    // Build once so every round spends its time booting, where an interrupt hurts most.
    const warm = await harness(["run", "boot", "--platform", "qemu", "--logs", await tempDir()]);
    assert.equal(warm.exitCode, 0, warm.stdout);
  });

  it(`leaves no qemu and a valid partial record after ${ROUNDS} interrupts at random moments`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const logs = await tempDir("harness-cut-");
      const child = startHarness(
        [
          "run",
          "boot",
          "host",
          "--platform",
          "qemu",
          "--logs",
          logs,
          "--run-id",
          "cut",
          "--parallel",
          "2",
        ],
        { cwd: REPO },
      );
      // Anywhere from process start-up to mid-boot.
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 6000));
      child.kill(Math.random() < 0.5 ? "SIGINT" : "SIGTERM");
      const result = await child;
      const where = `round ${round}: exit ${result.exitCode}\n${String(result.all).slice(-2000)}`;
      assert.ok(result.exitCode === 130 || result.exitCode === 0, where);
      assert.deepEqual(await qemuProcessesUnder(logs), [], where);
      const record = JSON.parse(await readFile(join(logs, "cut", "run.json"), "utf8")) as RunRecord;
      assert.ok(validateRun(record), `${where}\n${JSON.stringify(validateRun.errors)}`);
      if (result.exitCode === 130) assert.equal(record.state, "interrupted", where);
    }
  });
});
