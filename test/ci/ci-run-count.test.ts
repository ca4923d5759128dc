// .ci/run's last line counts mocha's results over both test runs (unit, then vm) of `npm test`,
// whatever the tests themselves print.
import assert from "node:assert/strict";
import { execa } from "execa";
import { join } from "node:path";
import { REPO } from "../helpers/cli.ts";

const COUNT = join(REPO, ".ci", "count-results");

// npm's banners and mocha's summaries as `npm test` prints them.
function npmTestOutput(unit: string, vm: string): string {
  return [
    "> linuxkit-harness@0.1.0 test",
    "> npm run lint && npm run typecheck && (npm run test:unit; …)",
    "> linuxkit-harness@0.1.0 test:unit",
    "> bin/with-node mocha 'test/**/*.test.ts'",
    "  a test that prints a child mocha's summary",
    "  2 passing (3ms)",
    "  1 failing",
    unit,
    "> linuxkit-harness@0.1.0 test:vm",
    "> bin/with-node mocha 'test/**/*.vm.test.ts'",
    vm,
  ].join("\n");
}

async function count(output: string): Promise<string> {
  const result = await execa(COUNT, [], { input: output });
  return result.stdout;
}

describe(".ci/run's count", () => {
  it("sums the last summary of the unit run and of the vm run", async () => {
    const output = npmTestOutput(
      "  310 passing (2m)\n  4 pending\n  3 failing\n",
      "  57 passing (9m)\n  2 failing\n",
    );
    assert.equal(await count(output), "367 passed, 5 failed");
  });

  it("counts a run without failures as 0 failed, and no run at all as 0 of each", async () => {
    assert.equal(
      await count(npmTestOutput("  10 passing (1s)\n", "  5 passing (1s)\n")),
      "15 passed, 0 failed",
    );
    assert.equal(await count("eslint: 3 problems\n"), "0 passed, 0 failed");
  });
});
