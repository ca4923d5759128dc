import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Ajv } from "ajv";
import runSchema from "../../../harness/results/run.schema.json" with { type: "json" };
import type { CellRecord, RunRecord } from "../../../harness/results/run-record.ts";
import { harness, startHarness, tempDir } from "../../helpers/cli.ts";
import { HYPERKIT, STAND_IN_DIR, VPNKIT, standInsMentioning, vpnkitFolder } from "./stand-in.ts";

const validateRun = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(
  runSchema,
);

describe("harness run --platform hyperkit, through the stand-in", function () {
  this.timeout(600_000);
  let logs: string;
  let record: RunRecord;
  let exitCode: number | undefined;
  let output: string;

  before(async () => {
    logs = await tempDir("harness-hyperkit-run-");
    const result = await harness(
      [
        "run",
        "--cases",
        join(STAND_IN_DIR, "cases"),
        "--platform",
        "hyperkit",
        "--logs",
        logs,
        "--run-id",
        "hk",
      ],
      { env: { HARNESS_HYPERKIT: HYPERKIT, HARNESS_VPNKIT: VPNKIT } },
    );
    exitCode = result.exitCode;
    output = `${result.stdout}\n${result.stderr}`;
    record = JSON.parse(await readFile(join(logs, "hk", "run.json"), "utf8")) as RunRecord;
  });

  function cell(name: string): CellRecord {
    const found = record.cells.find((c) => c.case === `hyperkit.${name}`);
    assert.ok(found, `no cell hyperkit.${name} in ${record.cells.map((c) => c.id).join(", ")}`);
    return found;
  }

  it("passes both cells and writes a valid run record", () => {
    assert.equal(exitCode, 0, output);
    assert.ok(validateRun(record), JSON.stringify(validateRun.errors));
    assert.deepEqual(record.cells.map((c) => `${c.id} ${c.status}`).sort(), [
      "hyperkit.console_results/hyperkit-x86_64-debian-6.1-cloud pass",
      "hyperkit.serial_results/hyperkit-x86_64-debian-6.1-cloud pass",
    ]);
  });

  for (const name of ["serial_results", "console_results"]) {
    it(`reads the nested TAP exactly (${name})`, async () => {
      const found = cell(name);
      const tap = await readFile(join(logs, "hk", found.dir, "results.tap"), "utf8");
      assert.equal(tap, await readFile(join(STAND_IN_DIR, "recording", "com2.tap"), "utf8"));
      assert.deepEqual(
        found.tests.map((t) => [
          t.path.join(" > "),
          t.outcome,
          t.children.map((c) => c.path.join(" > ")),
        ]),
        [
          ["guest", "pass", ["guest > kernel", "guest > init"]],
          ["results channel", "pass", []],
        ],
      );
    });
  }

  it("keeps the console from com1 whole, and only the console", async () => {
    const found = cell("serial_results");
    const consoleLog = await readFile(join(logs, "hk", found.dir, "console.log"), "utf8");
    assert.match(
      consoleLog,
      /harness-init: booted image kernel 6\.1\.\d+-\d+-cloud-amd64 on x86_64/,
    );
    assert.match(consoleLog, /not ok 7 - this is console noise/);
    assert.doesNotMatch(consoleLog, /TAP version|ok 2 - results channel/);
  });

  it("records hyperkit's command line and what ran the cell", async () => {
    const found = cell("serial_results");
    const machine = found.attempts[0]?.machine;
    assert.equal(machine?.accelerator, "hvf");
    assert.equal(machine?.commandFile, "hyperkit.cmdline");
    const line = await readFile(join(logs, "hk", found.dir, "hyperkit.cmdline"), "utf8");
    assert.match(line, /hyperkit -A -u -F \S+\/hyperkit\/hyperkit\.pid -c 1 -m 512M /);
    assert.match(line, /-l com2,autopty=\S+\/tty2 /);
    assert.doesNotMatch(
      await readFile(join(logs, "hk", cell("console_results").dir, "hyperkit.cmdline"), "utf8"),
      /com2|harness\.results/,
    );
  });

  it("leaves no hyperkit or vpnkit running, and no vpnkit sockets", async () => {
    assert.deepEqual(await standInsMentioning(logs), []);
    for (const found of record.cells) {
      const folder = vpnkitFolder(
        await readFile(join(logs, "hk", found.dir, "hyperkit.cmdline"), "utf8"),
      );
      assert.deepEqual(await standInsMentioning(folder), [], `vpnkit of ${found.id}`);
      assert.equal(await stat(folder).catch(() => undefined), undefined, `${folder} is removed`);
    }
  });
});

describe("interrupting harness run --platform hyperkit", function () {
  this.timeout(600_000);

  it("stops the stand-in and its vpnkit on Ctrl-C and keeps a valid partial record", async () => {
    const logs = await tempDir("harness-hyperkit-cut-");
    const args = ["run", "--cases", join(STAND_IN_DIR, "hang-cases"), "--platform", "hyperkit"];
    const child = startHarness([...args, "--logs", logs, "--run-id", "cut"], {
      env: { HARNESS_HYPERKIT: HYPERKIT, HARNESS_VPNKIT: VPNKIT },
    });
    const consoleLog = join(
      logs,
      "cut",
      "cells",
      "hyperkit.never_powers_off",
      "hyperkit-x86_64-debian-6.1-cloud",
      "console.log",
    );
    const deadline = Date.now() + 300_000;
    while (
      !(await readFile(consoleLog, "utf8").catch(() => "")).includes("harness-init: powering off")
    ) {
      assert.ok(Date.now() < deadline, "the replay never reached the console log");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.notDeepEqual(await standInsMentioning(logs), [], "the stand-in is running");
    child.kill("SIGINT");
    const result = await child;
    assert.equal(result.exitCode, 130, String(result.all));
    assert.deepEqual(await standInsMentioning(logs), []);
    const folder = vpnkitFolder(
      await readFile(join(dirname(consoleLog), "hyperkit.cmdline"), "utf8"),
    );
    assert.deepEqual(await standInsMentioning(folder), [], "no vpnkit left");
    const record = JSON.parse(await readFile(join(logs, "cut", "run.json"), "utf8")) as RunRecord;
    assert.ok(validateRun(record), JSON.stringify(validateRun.errors));
    assert.equal(record.state, "interrupted");
  });
});

describe("harness doctor on Linux", () => {
  it("lists hyperkit as unavailable and says why", async () => {
    const result = await harness(["doctor", "--json"]);
    const checks = JSON.parse(result.stdout) as { name: string; ok: boolean; fix?: string }[];
    const check = checks.find((c) => c.name === "platform hyperkit");
    assert.ok(check, result.stdout);
    assert.equal(check.ok, false);
    assert.match(check.fix ?? "", /^hyperkit runs only on macOS \(this host is linux\)/);
  });
});
