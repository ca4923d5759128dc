import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readCaseFile } from "../../harness/cases/case-file.ts";
import { discoverCases } from "../../harness/cases/discover.ts";
import { tempDir } from "../helpers/cli.ts";

async function caseFile(text: string): Promise<string> {
  const dir = join(await tempDir("harness-allow-"), "010_warns");
  await mkdir(dir);
  await writeFile(join(dir, "case.yml"), text);
  await writeFile(join(dir, "test.yml"), "kernel:\n  image: harness/kernel:debian-6.1-cloud\n");
  return join(dir, "case.yml");
}

describe("case.yml kernel.allow", () => {
  it("gives the case its allowed WARNING patterns with their reasons", async () => {
    const file = await caseFile(
      [
        "summary: warns on purpose",
        "kernel:",
        "  allow:",
        "    - pattern: 'at drivers/misc/lkdtm/bugs\\.c:\\d+ lkdtm_WARNING'",
        "      reason: the case provokes this WARNING",
        "",
      ].join("\n"),
    );
    const found = await discoverCases(join(file, "..", ".."));
    assert.deepEqual(found.errors, []);
    assert.deepEqual(found.cases[0]?.kernelAllow, [
      {
        pattern: "at drivers/misc/lkdtm/bugs\\.c:\\d+ lkdtm_WARNING",
        reason: "the case provokes this WARNING",
      },
    ]);
  });

  it("rejects an entry without a reason, and a pattern that does not compile, at its line", async () => {
    const noReason = await readCaseFile(
      await caseFile("summary: s\nkernel:\n  allow:\n    - pattern: 'foo'\n"),
    );
    assert.equal(noReason.errors.length, 1);
    assert.match(
      noReason.errors[0]?.describe() ?? "",
      /kernel\.allow\[0\] is missing the required field "reason"/,
    );
    const file = await caseFile(
      "summary: s\nkernel:\n  allow:\n    - pattern: 'at (fs/foo.c'\n      reason: r\n",
    );
    const bad = await readCaseFile(file);
    assert.equal(bad.errors.length, 1);
    const error = bad.errors[0];
    assert.equal(error?.exitCode, 2);
    assert.match(
      error?.describe() ?? "",
      /case\.yml:4:\d+: kernel\.allow\[0\]\.pattern is not a valid regular expression/,
    );
    assert.equal(bad.fields, undefined);
  });
});
