import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Ajv } from "ajv";
import runSchema from "../../../harness/results/run.schema.json" with { type: "json" };
import type { CellRecord, RunRecord } from "../../../harness/results/run-record.ts";
import { generateRunKeyPair } from "../../../harness/drivers/ssh/index.ts";
import { connectRunner } from "../../../platforms/remote/connect.ts";
import { remoteAccel } from "../../../platforms/remote/accel.ts";
import { parseRunnerAddress } from "../../../platforms/remote/spec.ts";
import { REPO, harness, startHarness, tempDir } from "../../helpers/cli.ts";
import { ensureDockerEngine, type DockerEngine } from "../../helpers/docker.ts";
import { runnerImage } from "../../helpers/runner-image.ts";
import { startRunner, type TestRunner } from "../../helpers/runner-container.ts";

const IMAGE_CASES = join(REPO, "test", "fixtures", "image-cases");
const validateRun = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(
  runSchema,
);

/** What is left of guests on a runner: qemu processes and cell folders. */
async function leftovers(runner: TestRunner): Promise<{ qemu: string; cells: string }> {
  const qemu = await runner.exec(["sh", "-c", "pgrep -a qemu-system || true"]);
  const cells = await runner.exec([
    "sh",
    "-c",
    "ls -A /root/.cache/harness-remote/cells 2>/dev/null || true",
  ]);
  return { qemu: qemu.output.trim(), cells: cells.output.trim() };
}

async function until(what: string, check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${withinMs / 1000}s`);
    await sleep(250);
  }
}

describe("remote platform against real runners in containers (TCG)", function () {
  this.timeout(900_000);
  let engine: DockerEngine | undefined;
  const runners: TestRunner[] = [];
  let keyPath = "";

  async function runRemote(args: string[]) {
    const logs = await tempDir("harness-remote-");
    const result = await harness([
      "run",
      "--cases",
      IMAGE_CASES,
      "--platform",
      "remote",
      "--arch",
      "aarch64",
      "--host-key",
      keyPath,
      "--logs",
      logs,
      "--run-id",
      "r",
      ...args,
    ]);
    const runDir = join(logs, "r");
    const record = JSON.parse(await readFile(join(runDir, "run.json"), "utf8")) as RunRecord;
    return { result, record, runDir };
  }

  const remoteLog = (runDir: string, cell: CellRecord) =>
    readFile(join(runDir, cell.dir, "remote.log"), "utf8");

  before(async () => {
    engine = await ensureDockerEngine();
    const image = await runnerImage();
    const key = await generateRunKeyPair(await tempDir());
    keyPath = key.privateKeyPath;
    runners.push(
      ...(await Promise.all([
        startRunner(image, key.publicKey),
        startRunner(image, key.publicKey),
      ])),
    );
  });

  after(async () => {
    for (const runner of runners) await runner.stop();
    await engine?.stop();
  });

  it("passes aarch64 cases through a runner: image sent, results on their own channel, SSH forwarded, nothing left", async () => {
    const [first] = runners as [TestRunner];
    const { result, record, runDir } = await runRemote([
      "vm.tap_flood",
      "vm.ssh",
      "--host",
      first.address,
      "--host-concurrency",
      "2",
    ]);
    assert.ok(validateRun(record), JSON.stringify(validateRun.errors));
    const cell = record.cells.find((c) => c.case === "vm.tap_flood") as CellRecord;
    assert.equal(
      cell.status,
      "pass",
      `${result.stdout}\n${result.stderr}\n${cell.reasons.join("\n")}`,
    );
    // The TAP comes whole through the results FIFO while the kernel floods the console.
    assert.equal(
      await readFile(join(runDir, cell.dir, "results.tap"), "utf8"),
      "TAP version 13\n1..2\n# Subtest: runc\n    1..2\n    ok 1 - run\n    ok 2 - exec\nok 1 - runc\nok 2 - flood\n",
    );
    const machine = cell.attempts[0]?.machine;
    assert.equal(machine?.runner, first.address);
    assert.equal(machine?.accelerator, "tcg", "the container has no /dev/kvm");
    assert.match(
      result.stderr,
      // An arm64 machine running these tests has no /dev/kvm in the container either.
      /aarch64 guests run under tcg \((aarch64 guests on a \w+ runner are emulated|\/dev\/kvm is missing or not accessible on the runner)\)/,
    );
    const log = await remoteLog(runDir, cell);
    assert.match(log, /image-kernel: sent to root@127\.0\.0\.1:\d+ as [0-9a-f]{12}/);
    const consoleLog = await readFile(join(runDir, cell.dir, "console.log"), "utf8");
    assert.ok(
      (consoleLog.match(/this is console noise/g) ?? []).length >= 100,
      "the console was flooded",
    );
    assert.match(
      await readFile(join(runDir, cell.dir, "qemu.cmdline"), "utf8"),
      /^ssh -i .* 'qemu-system-aarch64 -M virt -accel tcg /,
    );
    // The SSH case's steps reach the guest through qemu's forward on the runner and the tunnel.
    const ssh = record.cells.find((c) => c.case === "vm.ssh") as CellRecord;
    assert.equal(ssh.status, "pass", ssh.reasons.join("\n"));
    assert.deepEqual(
      ssh.tests.map((t) => [t.name, t.outcome]),
      [
        ["kernel", "pass"],
        ["nested", "pass"],
        ["exit code", "pass"],
      ],
    );
    assert.deepEqual(await leftovers(first), { qemu: "", cells: "" });
  });

  it("ends a cell whose SSH connection drops as error, and the runner kills qemu and cleans up", async () => {
    const [first] = runners as [TestRunner];
    const logs = await tempDir("harness-remote-");
    const run = startHarness([
      "run",
      "--cases",
      IMAGE_CASES,
      "vm.hang",
      "--platform",
      "remote",
      "--arch",
      "aarch64",
      "--host",
      first.address,
      "--host-key",
      keyPath,
      "--timeout",
      "5m",
      "--logs",
      logs,
      "--run-id",
      "r",
    ]);
    await until(
      "qemu starting on the runner",
      async () => (await leftovers(first)).qemu !== "",
      300_000,
    );
    await sleep(3000);
    // The per-connection sshd processes; the listener stays, as when a network path dies.
    await first.exec(["pkill", "-KILL", "-f", "sshd: root@"]);
    const droppedMs = performance.now();
    const result = await run;
    // Not held up by the boot phase's banner deadline (3 minutes for aarch64 under TCG).
    const exitedAfterS = (performance.now() - droppedMs) / 1000;
    assert.ok(exitedAfterS < 60, `the harness exited ${exitedAfterS.toFixed(0)} s after the drop`);
    const record = JSON.parse(await readFile(join(logs, "r", "run.json"), "utf8")) as RunRecord;
    const cell = record.cells[0] as CellRecord;
    assert.equal(cell.status, "error", String(result.all));
    assert.match(
      cell.reasons.join("\n"),
      /SSH connection to runner root@127\.0\.0\.1:\d+ dropped while the guest ran/,
    );
    assert.ok(
      (cell.durationMs ?? 0) < 60_000,
      "the drop ended the cell, not its 5 minute deadline",
    );
    await until(
      "the runner's cleanup",
      async () => {
        const left = await leftovers(first);
        return left.qemu === "" && left.cells === "";
      },
      20_000,
    );
  });

  it("probes KVM on a runner by booting a guest with it, and falls back to TCG when that fails", async () => {
    const [first] = runners as [TestRunner];
    const signal = AbortSignal.timeout(60_000);
    await using connection = await connectRunner(
      { ...parseRunnerAddress(first.address, "test"), keyPath, concurrency: 1, dir: "probe-test" },
      signal,
    );
    // As if the runner were an arm64 box with a /dev/kvm: the probe guest then really runs.
    const health = { dir: "/root", machine: "aarch64", arches: new Map(), kvmDevice: true };
    const verdict = await remoteAccel(connection, health, "aarch64", signal);
    assert.equal(verdict.accelerator, "tcg");
    assert.match(
      verdict.reason,
      /KVM device present on the runner but a probe guest failed under it \(.*kvm.*\); using TCG/i,
    );
    const probes = await first.exec(["sh", "-c", "ls -A /root/cells 2>/dev/null || true"]);
    assert.equal(probes.output.trim(), "", "the probe removes its folder");
  });

  it("logs in only to a runner showing the pinned host key", async () => {
    const [first] = runners as [TestRunner];
    const signal = AbortSignal.timeout(60_000);
    const printed = await first.exec(["ssh-keygen", "-lf", "/etc/ssh/ssh_host_ed25519_key.pub"]);
    const pinned = /SHA256:[A-Za-z0-9+/]{43}/.exec(printed.output)?.[0] ?? "";
    const spec = {
      ...parseRunnerAddress(first.address, "test"),
      keyPath,
      concurrency: 1,
      dir: "x",
    };
    await (await connectRunner({ ...spec, hostKey: pinned }, signal)).close();
    const other = `SHA256:${"A".repeat(43)}`;
    await assert.rejects(
      connectRunner({ ...spec, hostKey: other }, signal),
      new RegExp(`presented host key ${pinned.replace(/[+/]/g, "\\$&")}, not the pinned ${other}`),
    );
  });

  it("splits eight cells between two runners by their concurrency, past a dead one", async () => {
    const [first, second] = runners as [TestRunner, TestRunner];
    const dead = "root@127.0.0.1:1";
    // The image is on the first runner already: only the second should be sent it, once.
    const { result, record, runDir } = await runRemote([
      "vm.tap_flood",
      "--repeat",
      "8",
      "--host",
      `${first.address},${second.address},${dead}`,
      "--host-concurrency",
      "2",
      "--parallel",
      "4",
    ]);
    assert.equal(record.cells.length, 8);
    assert.deepEqual(
      record.cells.map((c) => c.status),
      Array(8).fill("pass"),
      `${result.stdout}\n${result.stderr}`,
    );
    assert.match(result.stderr, /runner root@127\.0\.0\.1:1 left the rotation: cannot connect/);
    const counts = new Map<string, number>();
    for (const cell of record.cells) {
      const runner = cell.attempts[0]?.machine?.runner ?? "none";
      counts.set(runner, (counts.get(runner) ?? 0) + 1);
    }
    assert.deepEqual(
      [...counts.keys()].sort(),
      [first.address, second.address].sort(),
      JSON.stringify([...counts]),
    );
    assert.ok(
      (counts.get(first.address) ?? 0) >= 2 && (counts.get(second.address) ?? 0) >= 2,
      JSON.stringify([...counts]),
    );
    // Cells on one runner share its cache: each file goes to a runner at most once per run.
    const logs = (await Promise.all(record.cells.map((cell) => remoteLog(runDir, cell)))).join(
      "\n",
    );
    for (const runner of [first, second]) {
      const sent = logs.split(`image-kernel: sent to ${runner.address} `).length - 1;
      const found = logs.split(`image-kernel: already on ${runner.address} `).length - 1;
      assert.ok(sent <= 1, `${runner.address} was sent the kernel ${sent} times`);
      assert.equal(sent + found, counts.get(runner.address), "every cell found or sent it");
    }
    for (const runner of [first, second])
      assert.deepEqual(await leftovers(runner), { qemu: "", cells: "" });
  });
});
