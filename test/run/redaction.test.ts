import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { FIXTURES, harness, tempDir } from "../helpers/cli.ts";

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("redaction in run output", () => {
  it("keeps a canary token out of every file the run writes and out of its terminal output", async () => {
    const canary = "canary-7f3a9c1e5b2d4086";
    const logs = await tempDir();
    const result = await harness(
      [
        "run",
        "fixtures.io.secret",
        "-l",
        "secret",
        "--cases",
        FIXTURES,
        "--platform",
        "qemu",
        "--logs",
        logs,
      ],
      {
        env: { HARNESS_CANARY_TOKEN: canary },
      },
    );
    assert.equal(result.exitCode, 0, result.stdout);
    const files = await filesUnder(logs);
    assert.ok(
      files.some((f) => f.endsWith("console.log")) && files.some((f) => f.endsWith("run.json")),
    );
    for (const file of files) {
      const text = await readFile(file, "latin1");
      assert.ok(!text.includes(canary), `${file} holds the canary`);
      assert.ok(!text.includes("ghp_0123456789"), `${file} holds a GitHub-shaped token`);
    }
    const consoleLog = await readFile(
      files.find((f) => f.endsWith("console.log")) as string,
      "utf8",
    );
    assert.match(consoleLog, /the token is \*\*\*/);
    assert.ok(!result.stdout.includes(canary) && !result.stderr.includes(canary));
  });
});
