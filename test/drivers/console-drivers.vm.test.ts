// The scripted serial and console drivers on real guests (TCG, both arches): images that carry no
// harness init — a getty logged into, LinuxKit-style suite markers, TAP after a marker, an exit status.
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { CellRecord, RunRecord } from "../../harness/results/run-record.ts";
import { REPO, harness, tempDir } from "../helpers/cli.ts";
import { qemuProcessesUnder } from "../helpers/processes.ts";

const DRIVER_CASES = join(REPO, "test", "fixtures", "driver-cases");
const ARCHES = ["x86_64", "aarch64"] as const;

describe("serial steps and console drivers with real guests (TCG)", function () {
  this.timeout(900_000);
  let logs: string;
  let record: RunRecord;
  let exitCode: number | undefined;

  before(async () => {
    logs = await tempDir("harness-drivers-vm-");
    const result = await harness([
      "run",
      "--cases",
      DRIVER_CASES,
      "--platform",
      "qemu",
      "--arch",
      "x86_64,aarch64",
      "--logs",
      logs,
      "--run-id",
      "drv",
      "--parallel",
      "2",
    ]);
    exitCode = result.exitCode;
    record = JSON.parse(await readFile(join(logs, "drv", "run.json"), "utf8")) as RunRecord;
  });

  after(async () => {
    if (logs) await rm(logs, { recursive: true, force: true });
  });

  const cell = (name: string, arch: string): CellRecord => {
    const found = record.cells.find((c) => c.case === `drv.${name}` && c.arch === arch);
    assert.ok(found, `no cell drv.${name} on ${arch}`);
    return found;
  };
  const tap = (c: CellRecord) => readFile(join(logs, "drv", c.dir, "results.tap"), "utf8");
  const names = (c: CellRecord) => c.tests.map((t) => `${t.outcome} ${t.path.join(" > ")}`);

  it("fails the run for the failing cases and leaves no qemu behind", async () => {
    assert.equal(exitCode, 1);
    assert.deepEqual(await qemuProcessesUnder(logs), []);
  });

  for (const arch of ARCHES) {
    it(`logs into a getty on the console and checks two commands' output (${arch})`, async () => {
      const login = cell("login", arch);
      assert.equal(login.status, "pass", `${login.reasons.join("\n")}\n${await tap(login)}`);
      assert.deepEqual(names(login), [
        "pass login prompt",
        'pass send "root"',
        "pass password prompt",
        'pass send "harness"',
        "pass shell prompt",
        'pass send "echo sum=$((6 * 7))"',
        "pass arithmetic",
        'pass send "cat /sys/class/tty/console/active"',
        "pass console device",
      ]);
      const console = await readFile(join(logs, "drv", login.dir, "console.log"), "utf8");
      assert.match(console, arch === "x86_64" ? /getty on ttyS0/ : /getty on ttyAMA0/);
    });

    it(`reads a LinuxKit-style "suite PASSED" / "FAILED" line (${arch})`, async () => {
      const passed = cell("suite_passed", arch);
      assert.equal(passed.status, "pass", passed.reasons.join("\n"));
      assert.deepEqual(names(passed), ["pass ostype test suite PASSED"]);
      const failed = cell("suite_failed", arch);
      assert.equal(failed.status, "fail", failed.reasons.join("\n"));
      assert.deepEqual(names(failed), ["fail ostype test suite FAILED"]);
      assert.match(await tap(failed), /console_tail: \|-\n(.*\n)*\s+ostype test suite FAILED/);
    });

    it(`reads TAP printed on the console after its marker (${arch})`, () => {
      const after = cell("tap_after", arch);
      assert.equal(after.status, "pass", after.reasons.join("\n"));
      assert.deepEqual(names(after), ["pass proc mounted", "pass ostype"]);
    });

    it(`judges by the guest init's exit status (${arch})`, () => {
      const zero = cell("exit_zero", arch);
      assert.equal(zero.status, "pass", zero.reasons.join("\n"));
      assert.deepEqual(names(zero), ["pass guest exit status 0"]);
      const three = cell("exit_three", arch);
      assert.equal(three.status, "fail", three.reasons.join("\n"));
      assert.deepEqual(names(three), ["fail guest exit status 3"]);
      assert.ok(
        !(three.attempts[0]?.kernelFindings ?? []).some((f) =>
          /Attempted to kill init/.test(f.line),
        ),
        "the init's exit is the verdict, not a kernel finding",
      );
    });
  }

  it("fails an expect at its own deadline with the pattern and the console tail", async () => {
    const missed = cell("login_missed", "x86_64");
    assert.equal(missed.status, "fail");
    assert.deepEqual(names(missed), [
      "pass login prompt",
      'pass send "root"',
      "fail a prompt that never comes",
      'skip send "harness"',
    ]);
    const text = await tap(missed);
    assert.match(text, /not ok 3 - a prompt that never comes\n {2}---\n/);
    assert.match(text, /message: "not seen within 5s: \/Welcome aboard\/"/);
    assert.match(text, /deadline: 5s/);
    assert.match(text, /at: ".*020_login_missed\/case\.yml steps\[2\]"/);
    assert.match(text, /console_tail: \|-\n(.*\n)*\s+guest login: root\n(.*\n)*\s+Password:/);
    assert.ok(missed.durationMs < 120_000, `took ${missed.durationMs}ms`);
  });
});
