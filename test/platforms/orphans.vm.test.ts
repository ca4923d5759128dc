// Nothing a run starts outlives it: a SIGKILLed harness takes its guests with it, the next run
// removes the folders it left, and two signals in quick succession still stop, clean up and record.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { ownedTempFolder, removeOwnedFolder } from "../../harness/util/owner-folder.ts";
import { FIXTURES, REPO, harness, startHarness, tempDir } from "../helpers/cli.ts";
import { qemuProcessesUnder, qemuSocketFolders, waitUntil } from "../helpers/processes.ts";

const IMAGE_CASES = join(REPO, "test", "fixtures", "image-cases");
// Built once and cached like every other VM test's images, so a run reaches qemu within seconds.
const QEMU_UP_MS = 240_000;

// Starts a run of the hanging guest and resolves once its qemu is running.
async function startHangingGuest(runId: string) {
  const logs = await tempDir("harness-orphans-");
  const child = startHarness([
    "run",
    "vm.hang",
    "--cases",
    IMAGE_CASES,
    "--platform",
    "qemu",
    "--arch",
    "x86_64",
    "--logs",
    logs,
    "--run-id",
    runId,
    "--timeout",
    "5m",
  ]);
  const exited = child.then(() => true);
  await waitUntil(
    "qemu of the hanging guest started",
    async () =>
      (await qemuProcessesUnder(logs)).length > 0 ||
      (await Promise.race([exited, Promise.resolve(false)])),
    QEMU_UP_MS,
  );
  const folders = await qemuSocketFolders(logs);
  assert.equal(folders.length, 1, `one qemu with a results socket:\n${await outputOf(child)}`);
  return { child, logs, folders };
}

async function outputOf(child: ReturnType<typeof startHarness>): Promise<string> {
  return Promise.race([
    child.then((r) => String(r.all).slice(-2000)),
    Promise.resolve("(still running)"),
  ]);
}

// The test's own guests, should an assertion fail before the harness stopped them.
async function killLeftovers(logs: string): Promise<void> {
  for (const pid of await qemuProcessesUnder(logs)) process.kill(pid, "SIGKILL");
}

describe("nothing left behind", function () {
  this.timeout(600_000);

  describe("SIGKILL of the harness mid-boot", () => {
    let logs = "";
    let folders: string[] = [];
    after(() => killLeftovers(logs));

    it("takes the run's qemu with it", async () => {
      const started = await startHangingGuest("killed");
      ({ logs, folders } = started);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      started.child.kill("SIGKILL");
      await started.child;
      await waitUntil(
        "the killed run's qemu is gone",
        async () => (await qemuProcessesUnder(logs)).length === 0,
        5000,
      );
    });

    it("leaves a socket folder the next run removes, keeping a live owner's", async () => {
      assert.ok(folders.length > 0, "the previous test found the killed run's folder");
      for (const folder of folders) assert.ok(existsSync(folder), `${folder} left by SIGKILL`);
      // This test's own process is alive: its folder must survive the sweep.
      const live = await ownedTempFolder("hq-");
      const next = await harness([
        "run",
        "fixtures.outcomes.pass",
        "--cases",
        FIXTURES,
        "--platform",
        "qemu",
        "--logs",
        await tempDir("harness-orphans-next-"),
      ]);
      assert.equal(next.exitCode, 0, next.stdout);
      for (const folder of folders) assert.equal(existsSync(folder), false, `${folder} removed`);
      assert.ok(existsSync(live), `${live} of a live owner kept`);
      await removeOwnedFolder(live);
    });
  });

  for (const [first, second] of [
    ["SIGINT", "SIGINT"],
    ["SIGINT", "SIGTERM"],
  ] as const) {
    describe(`${first} then ${second} 50–100 ms later`, () => {
      let logs = "";
      after(() => killLeftovers(logs));

      it("stops the guest, removes its folder, records the cell as cancelled and exits 130", async () => {
        const started = await startHangingGuest("twice");
        logs = started.logs;
        started.child.kill(first);
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 50));
        started.child.kill(second);
        const result = await started.child;
        const output = String(result.all).slice(-2000);
        assert.equal(result.exitCode, 130, output);
        assert.deepEqual(await qemuProcessesUnder(logs), [], "no qemu left");
        for (const folder of started.folders)
          assert.equal(existsSync(folder), false, `${folder} removed`);
        const record = JSON.parse(
          await readFile(join(logs, "twice", "run.json"), "utf8"),
        ) as RunRecord;
        assert.equal(record.state, "interrupted");
        assert.equal(record.exitCode, 130);
        assert.deepEqual(
          record.cells.map((c) => [c.case, c.status]),
          [["vm.hang", "cancel"]],
        );
      });
    });
  }
});
