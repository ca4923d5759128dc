import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import runSchema from "../../harness/results/run.schema.json" with { type: "json" };
import type { RunRecord, CellRecord } from "../../harness/results/run-record.ts";
import { REPO, harness, tempDir } from "../helpers/cli.ts";
import { qemuProcessesUnder } from "../helpers/processes.ts";

const IMAGE_CASES = join(REPO, "test", "fixtures", "image-cases");
const validateRun = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(
  runSchema,
);

async function runVm(args: string[]) {
  const logs = await tempDir("harness-vm-");
  const result = await harness([
    "run",
    "--cases",
    IMAGE_CASES,
    "--platform",
    "qemu",
    "--logs",
    logs,
    "--run-id",
    "vm",
    "--parallel",
    "2",
    ...args,
  ]);
  const record = JSON.parse(await readFile(join(logs, "vm", "run.json"), "utf8")) as RunRecord;
  return { result, record, logs };
}

function cell(record: RunRecord, name: string, arch = "x86_64"): CellRecord {
  const found = record.cells.find((c) => c.case === `vm.${name}` && c.arch === arch);
  assert.ok(found, `no cell vm.${name} on ${arch}`);
  return found;
}

describe("qemu platform with real guests (TCG)", function () {
  this.timeout(900_000);
  let run: Awaited<ReturnType<typeof runVm>>;

  before(async () => {
    run = await runVm([
      "--arch",
      "x86_64,aarch64",
      "--exclude",
      "vm.panic/*aarch64*",
      "--exclude",
      "vm.hang/*aarch64*",
      "--exclude",
      "vm.failing_container/*aarch64*",
      "--exclude",
      "vm.too_much_memory/*",
      "--exclude",
      "vm.console_results/*aarch64*",
      "--exclude",
      "vm.disks/*aarch64*",
    ]);
  });

  it("writes a valid run record naming the accelerator and the exact kernel", () => {
    assert.ok(validateRun(run.record), JSON.stringify(validateRun.errors));
    for (const c of run.record.cells) {
      const machine = c.attempts[0]?.machine;
      assert.equal(
        machine?.accelerator,
        "tcg",
        `${c.id}: KVM does not work on this host, so TCG must be recorded`,
      );
      assert.match(machine?.kernel?.version ?? "", /^6\.1\.\d+/, c.id);
    }
    assert.equal(run.result.exitCode, 1, "a failing container and a timeout make the run fail");
  });

  for (const arch of ["x86_64", "aarch64"]) {
    it(`reads nested TAP exactly from the results channel while the kernel floods the console (${arch})`, async () => {
      const flood = cell(run.record, "tap_flood", arch);
      assert.equal(flood.status, "pass", flood.reasons.join("\n"));
      const tap = await readFile(join(run.logs, "vm", flood.dir, "results.tap"), "utf8");
      assert.equal(
        tap,
        "TAP version 13\n1..2\n# Subtest: runc\n    1..2\n    ok 1 - run\n    ok 2 - exec\nok 1 - runc\nok 2 - flood\n",
      );
      const consoleLog = await readFile(join(run.logs, "vm", flood.dir, "console.log"), "utf8");
      assert.ok(
        (consoleLog.match(/this is console noise/g) ?? []).length >= 100,
        "the kernel really flooded the console",
      );
      assert.deepEqual(
        flood.tests[0]?.children.map((t) => t.path.join(" > ")),
        ["runc > run", "runc > exec"],
      );
    });
  }

  it("ends a panicking guest as error with the panic and the console tail, not at its timeout", () => {
    const panic = cell(run.record, "panic");
    assert.equal(panic.status, "error");
    assert.match(
      panic.reasons[0] ?? "",
      /kernel panic: .*Kernel panic - not syncing: sysrq triggered crash/,
    );
    assert.match(panic.reasons[0] ?? "", /Call Trace/);
    assert.ok(
      panic.durationMs < (5 * 60_000) / 2,
      `took ${panic.durationMs}ms; its timeout is 5 min`,
    );
  });

  it("times out a guest that never finishes and stops it", async () => {
    const hang = cell(run.record, "hang");
    assert.equal(hang.status, "timeout");
    assert.deepEqual(await qemuProcessesUnder(run.logs), []);
  });

  it("fails a cell whose onboot container exits non-zero, naming the container", () => {
    const failing = cell(run.record, "failing_container");
    assert.equal(failing.status, "fail");
    assert.deepEqual(failing.reasons, ["onboot container 000-unhappy exited 3"]);
  });

  for (const arch of ["x86_64", "aarch64"]) {
    it(`drives a guest entirely over SSH with a fresh run key (${arch})`, async () => {
      const ssh = cell(run.record, "ssh", arch);
      assert.equal(ssh.status, "pass", ssh.reasons.join("\n"));
      const names = ssh.tests.flatMap((t) => [
        t.path.join(" > "),
        ...t.children.map((c) => c.path.join(" > ")),
      ]);
      assert.deepEqual(names, ["kernel", "nested", "nested > one", "nested > two", "exit code"]);
      const log = await readFile(join(run.logs, "vm", ssh.dir, "ssh.log"), "utf8");
      assert.match(log, /kernel \| 6\.1\.\d+-\d+-cloud-(amd|arm)64/);
      const key = await readFile(join(run.logs, "vm", "ssh", "id_ed25519.pub"), "utf8").catch(
        () => "",
      );
      const build = await readFile(join(run.logs, "vm", ssh.dir, "ssh-key.yml"), "utf8");
      assert.ok(
        key.length > 0 && build.includes(key.trim()),
        "the run's own public key went into the image",
      );
    });
  }

  it("picks marked result lines out of the console when there is no second channel", async () => {
    const single = cell(run.record, "console_results");
    assert.equal(single.status, "pass", single.reasons.join("\n"));
    const tap = await readFile(join(run.logs, "vm", single.dir, "results.tap"), "utf8");
    assert.equal(
      tap,
      "TAP version 13\n1..2\n# Subtest: runc\n    1..2\n    ok 1 - run\n    ok 2 - exec\nok 1 - runc\nok 2 - flood\n",
    );
    const cmdline = await readFile(join(run.logs, "vm", single.dir, "qemu.cmdline"), "utf8");
    assert.doesNotMatch(cmdline, /harness\.results/, "no results port was given to this guest");
  });

  it("attaches the case's extra disks at their sizes", () => {
    const disks = cell(run.record, "disks");
    assert.equal(disks.status, "pass", disks.reasons.join("\n"));
  });

  it("keeps the exact qemu command line of every cell", async () => {
    const text = await readFile(
      join(run.logs, "vm", cell(run.record, "tap_flood", "aarch64").dir, "qemu.cmdline"),
      "utf8",
    );
    assert.match(text, /^qemu-system-aarch64 -M virt -accel tcg/);
    assert.match(text, /name=harness\.results/);
  });
});
