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

describe("redaction on the terminal and the --json stream", () => {
  const token = "canary-5e1d7b3a9f20c4e8";
  // A quote in the value: the --json stream escapes it, so only a mask of the escaped form hides it.
  const password = 'pass"word-8c41f07d';
  const env = { HARNESS_CANARY_TOKEN: token, DEPLOY_PASSWORD: password };
  const leaks = (text: string) =>
    [token, password, JSON.stringify(password).slice(1, -1)].filter((s) => text.includes(s));

  async function runLeaky(extra: string[]) {
    const logs = await tempDir();
    const args = ["run", "fixtures.io.leaky_failure", "-l", "secret", "--cases", FIXTURES];
    return harness([...args, "--platform", "qemu", "--logs", logs, ...extra], { env });
  }

  it("masks a failing test's name and reason in the line view", async () => {
    const result = await runLeaky([]);
    assert.equal(result.exitCode, 1, result.stdout + result.stderr);
    assert.deepEqual(leaks(result.stdout + result.stderr), [], result.stdout);
    assert.match(result.stdout, /^ {10}fail: login with \*\*\*$/m);
    assert.match(result.stdout, /^ {10}bail out: server refused \*\*\*$/m);
  });

  it("masks them in the --json stream, which stays valid JSON", async () => {
    const result = await runLeaky(["--json"]);
    assert.equal(result.exitCode, 1, result.stdout + result.stderr);
    assert.deepEqual(leaks(result.stdout + result.stderr), [], result.stdout);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { event: string; reasons?: string[] });
    const finish = events.find((e) => e.event === "cell-finish");
    assert.deepEqual(finish?.reasons, ["bail out: server refused ***", "fail: login with ***"]);
  });

  it("masks secrets in the errors the CLI prints", async () => {
    const result = await harness(["run", "--cases", `missing-${token}`, "--platform", "qemu"], {
      env,
    });
    assert.equal(result.exitCode, 2, result.stderr);
    assert.deepEqual(leaks(result.stdout + result.stderr), [], result.stderr);
    assert.match(result.stderr, /cases folder not found: \S*missing-\*\*\*/);
  });
});
