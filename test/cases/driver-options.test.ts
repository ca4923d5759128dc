import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readCaseFile } from "../../harness/cases/case-file.ts";
import { discoverCases } from "../../harness/cases/discover.ts";
import { tempDir } from "../helpers/cli.ts";

async function caseFile(text: string): Promise<string> {
  const dir = join(await tempDir("harness-driver-options-"), "010_driven");
  await mkdir(dir);
  await writeFile(join(dir, "case.yml"), text);
  await writeFile(join(dir, "test.yml"), "kernel:\n  image: harness/kernel:debian-6.1-cloud\n");
  return join(dir, "case.yml");
}

async function errorsOf(text: string): Promise<string[]> {
  const read = await readCaseFile(await caseFile(text));
  assert.equal(read.fields, undefined);
  for (const error of read.errors) assert.equal(error.exitCode, 2);
  return read.errors.map((error) => error.describe());
}

describe("case.yml driver options", () => {
  it("gives a serial case its steps with names and deadlines", async () => {
    const file = await caseFile(
      [
        "summary: s",
        "driver: serial",
        "steps:",
        "  - expect: 'login: $'",
        "  - send: root",
        "  - name: prompt",
        "    expect: '# $'",
        "    timeout: 2m",
        "",
      ].join("\n"),
    );
    const found = await discoverCases(join(file, "..", ".."));
    assert.deepEqual(found.errors, []);
    assert.deepEqual(found.cases[0]?.driverOptions, [
      { name: "expect /login: $/", expect: "login: $", timeoutMs: 30_000, at: `${file} steps[0]` },
      { name: 'send "root"', send: "root", timeoutMs: 30_000, at: `${file} steps[1]` },
      { name: "prompt", expect: "# $", timeoutMs: 120_000, at: `${file} steps[2]` },
    ]);
  });

  it("gives a console case how to read its verdict", async () => {
    const read = async (results: string) => {
      const file = await caseFile(`summary: s\ndriver: console\nresults: ${results}\n`);
      const found = await discoverCases(join(file, "..", ".."));
      assert.deepEqual(found.errors, []);
      return found.cases[0];
    };
    assert.deepEqual((await read("exit-status"))?.driverOptions, { kind: "exit-status" });
    assert.deepEqual((await read("{ tap-after: '^TAP' }"))?.driverOptions, {
      kind: "tap-after",
      start: "^TAP",
    });
    const markers = await read("{ passed: 'suite PASSED', failed: 'suite FAILED' }");
    assert.deepEqual(markers?.driverOptions, {
      kind: "markers",
      passed: "suite PASSED",
      failed: "suite FAILED",
    });
    assert.equal(markers?.driver, "console");
    assert.equal(markers?.results, undefined);
  });

  it("rejects options that do not fit the driver, each at its line", async () => {
    assert.match(
      (await errorsOf("summary: s\ndriver: console\n"))[0] ?? "",
      /case\.yml:2:\d+: driver: console needs results/,
    );
    assert.match(
      (await errorsOf("summary: s\ndriver: console\nresults: channel\n"))[0] ?? "",
      /case\.yml:3:\d+: driver: console needs results/,
    );
    assert.match(
      (await errorsOf("summary: s\nresults: exit-status\n"))[0] ?? "",
      /case\.yml:2:\d+: results: "exit-status" is for driver: console, not driver: serial/,
    );
    assert.match(
      (
        await errorsOf(
          "summary: s\ndriver: ssh\nssh: { steps: [{name: a, run: b}] }\nsteps:\n  - send: x\n",
        )
      )[0] ?? "",
      /case\.yml:5:\d+: steps: is for driver: serial, not driver: ssh/,
    );
  });

  it("rejects a step with both or neither of expect and send, and a pattern that does not compile", async () => {
    assert.match(
      (await errorsOf("summary: s\nsteps:\n  - expect: a\n    send: b\n"))[0] ?? "",
      /case\.yml:3:\d+: steps\[0\] has both expect: and send:/,
    );
    assert.match(
      (await errorsOf("summary: s\nsteps:\n  - name: nothing\n")).join("\n"),
      /case\.yml:3:\d+: steps\[0\] is missing the required field/,
    );
    assert.match(
      (await errorsOf("summary: s\nsteps:\n  - send: x\n  - expect: 'login: ('\n"))[0] ?? "",
      /case\.yml:4:\d+: steps\[1\]\.expect is not a valid regular expression/,
    );
    assert.match(
      (await errorsOf("summary: s\ndriver: console\nresults: { passed: '[', failed: F }\n"))[0] ??
        "",
      /case\.yml:3:\d+: results\.passed is not a valid regular expression/,
    );
  });
});
