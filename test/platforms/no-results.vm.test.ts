// An image whose containers exit 0 but report nothing on the results channel fails: silence is
// no pass, whatever the exit codes say.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { REPO, harness, tempDir } from "../helpers/cli.ts";

const CASES = join(REPO, "test", "fixtures", "silent-cases");

describe("an image case that reports no results (TCG)", function () {
  this.timeout(600_000);

  it("fails, naming the results channel it heard nothing on", async () => {
    const logs = await tempDir("harness-silent-");
    const result = await harness(
      ["run", "--cases", CASES, "--platform", "qemu", "--arch", "x86_64", "--logs", logs],
      { env: {} },
    );
    assert.equal(result.exitCode, 1, result.stdout + result.stderr);
    const record = JSON.parse(
      await readFile(join(logs, "latest", "run.json"), "utf8"),
    ) as RunRecord;
    const [cell] = record.cells;
    assert.equal(cell?.status, "fail");
    assert.deepEqual(cell?.reasons, [
      "no results: nothing was reported on the results channel (/dev/harness-results)",
    ]);
    assert.match(result.stdout, /no results: nothing was reported on the results channel/);
  });
});
