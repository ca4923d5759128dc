import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { discoverCases, orderAndName } from "../../harness/cases/discover.ts";
import type { HarnessError } from "../../harness/errors.ts";
import { FIXTURES, LINUXKIT_CASES, needCorpus, tempDir } from "../helpers/cli.ts";

describe("case discovery", () => {
  it("drops numeric prefixes and keeps other names whole", () => {
    assert.deepEqual(orderAndName("010_kernel+initrd"), { order: 10, name: "kernel+initrd" });
    assert.deepEqual(orderAndName("examples"), { order: 0, name: "examples" });
  });

  it("names LinuxKit's tree as rtf does, in order, skipping _ folders", async function () {
    needCorpus(this);
    const { cases, errors } = await discoverCases(LINUXKIT_CASES);
    assert.deepEqual(errors, []);
    const names = cases.map((c) => c.name);
    assert.ok(names.includes("linuxkit.packages.containerd"));
    assert.ok(names.includes("linuxkit.build.formats.kernel+initrd"));
    assert.ok(names.every((n) => n.startsWith("linuxkit.")));
    assert.ok(!names.some((n) => n.includes("_lib")));
    assert.ok(
      names.indexOf("linuxkit.build.formats.kernel+initrd") <
        names.indexOf("linuxkit.packages.containerd"),
    );
    const containerd = cases.find((c) => c.name === "linuxkit.packages.containerd");
    assert.equal(containerd?.summary, "Run containerd test");
    assert.equal(containerd?.kind, "script");
  });

  it("reads case.yml next to test.sh and inherits group scripts", async () => {
    const { cases } = await discoverCases(FIXTURES);
    const hang = cases.find((c) => c.name === "fixtures.outcomes.hang");
    assert.equal(hang?.timeouts.cellMs, 2000);
    assert.deepEqual(
      hang?.groups.map((g) => g.name),
      ["fixtures", "fixtures.outcomes"],
    );
  });

  it("reports every bad case.yml with file:line:column and a suggestion", async () => {
    const root = await tempDir();
    await mkdir(join(root, "010_a"), { recursive: true });
    await mkdir(join(root, "020_b"), { recursive: true });
    await writeFile(join(root, "010_a", "case.yml"), "summary: ok\ntimout: 5s\n");
    await writeFile(join(root, "020_b", "case.yml"), "summary: ok\narches: [x86_64, riscv]\n");
    const { errors } = await discoverCases(root);
    assert.equal(errors.length, 2);
    const [first, second] = errors.map((e) => e.describe());
    assert.match(first ?? "", /010_a\/case\.yml:2:1: unknown field "timout"/);
    assert.match(first ?? "", /did you mean "timeout"/);
    assert.match(second ?? "", /020_b\/case\.yml:2:18: .*riscv/);
  });

  it("reports YAML syntax errors with their position", async () => {
    const root = await tempDir();
    await mkdir(join(root, "a"), { recursive: true });
    await writeFile(join(root, "a", "case.yml"), "summary: [unclosed\n");
    const { errors } = await discoverCases(root);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.describe() ?? "", /a\/case\.yml:\d+:\d+: invalid YAML/);
  });

  it("rejects cases that end up with one name, naming both folders", async () => {
    const root = await tempDir();
    const files: Record<string, string> = {
      "010_grp/010_foo/test.sh": "#!/bin/sh\n# SUMMARY: script\n",
      "010_grp/020_foo/case.yml": "summary: image\n",
      "020_grp/010_foo/case.yml": "summary: another group folder, the same group name\n",
      "010_grp/030_bar/case.yml": "summary: a different name\n",
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, ".."), { recursive: true });
      await writeFile(join(root, path), text);
    }
    const { cases, errors } = await discoverCases(root);
    assert.equal(cases.filter((c) => c.name === "grp.foo").length, 3);
    assert.deepEqual(
      errors.map((e) => [e.code, e.exitCode, e.message.replaceAll(root, "")]),
      [
        ["EDUPCASE", 2, 'two cases are named "grp.foo": /010_grp/010_foo and /010_grp/020_foo'],
        ["EDUPCASE", 2, 'two cases are named "grp.foo": /010_grp/010_foo and /020_grp/010_foo'],
      ],
    );
  });

  it("reports a malformed kernel or platform glob in case.yml with its file", async () => {
    const root = await tempDir();
    await mkdir(join(root, "a"), { recursive: true });
    await writeFile(
      join(root, "a", "case.yml"),
      'summary: x\nkernels: ["debian-[6"]\nskip: [{ platform: "q(", reason: r }]\n',
    );
    const { cases, errors } = await discoverCases(root);
    assert.deepEqual(cases, []);
    assert.deepEqual(
      errors.map((e) => e.message.replace(root, "")),
      [
        'bad glob "debian-[6" in /a/case.yml: Missing closing: "]"',
        'bad glob "q(" in /a/case.yml: Missing closing: ")"',
      ],
    );
  });

  it("treats a missing cases folder as bad input", async () => {
    await assert.rejects(
      discoverCases("/nonexistent/cases"),
      (error: HarnessError) => error.exitCode === 2,
    );
  });
});
