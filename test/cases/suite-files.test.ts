// The bundled suite's own files: they validate, and every image case names the tests it must report,
// so a subtest that stops being reported fails its cell instead of vanishing from the results.
import assert from "node:assert/strict";
import { join, relative, sep } from "node:path";
import { discoverCases } from "../../harness/cases/discover.ts";
import type { TestCase } from "../../harness/cases/types.ts";
import { REPO, harness } from "../helpers/cli.ts";

const CASES = join(REPO, "cases");
// The example images are built and booted as they are; they print no TAP of their own.
const EXAMPLES = join(CASES, "examples");

/** Image cases of the bundled suite, leaving out those that boot an example image. */
async function suiteImageCases(): Promise<TestCase[]> {
  const { cases, errors } = await discoverCases(CASES);
  assert.deepEqual(
    errors.map((e) => e.message),
    [],
  );
  return cases.filter(
    (c) =>
      c.kind === "image" &&
      !(c.files.image ?? "").startsWith(EXAMPLES + sep) &&
      !c.dir.startsWith(EXAMPLES + sep),
  );
}

describe("the bundled suite's files", () => {
  it("pass harness validate", async () => {
    const result = await harness(["validate", "cases"]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /valid/);
  });

  it("name the tests every image case must report", async () => {
    const cases = await suiteImageCases();
    assert.ok(cases.length > 0, "no image cases found under cases/");
    const problems: string[] = [];
    for (const testCase of cases) {
      const where = relative(REPO, testCase.files.caseFile ?? testCase.dir);
      const names = testCase.expect?.tests ?? [];
      if (names.length === 0) problems.push(`${where}: expect.tests lists no test names`);
      const repeated = names.filter((name, index) => names.indexOf(name) !== index);
      if (repeated.length > 0)
        problems.push(`${where}: expect.tests repeats ${repeated.join(", ")}`);
      for (const name of names) {
        if (name.split(" > ").some((part) => part.trim() === ""))
          problems.push(`${where}: expect.tests has an empty part in ${JSON.stringify(name)}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
