// run.json records what a later comparison needs to say what changed: the harness's version and
// commit, and a hash of each case folder that changes when a file of the case changes.
import assert from "node:assert/strict";
import { cp, writeFile, appendFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { FIXTURES, REPO, harness, tempDir } from "../helpers/cli.ts";
import { readRecord } from "../publish/runs.ts";

const folders: string[] = [];
/** A temp folder removed after the tests of this file. */
async function made(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  folders.push(dir);
  return dir;
}

describe("run.json inputs for attribution", function () {
  after(() => Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true }))));
  this.timeout(60_000);

  it("records the harness commit and a case hash that follows the case's files", async () => {
    const cases = await made("harness-inputs-cases-");
    await cp(join(FIXTURES, "010_outcomes", "010_pass"), join(cases, "010_pass"), {
      recursive: true,
    });
    const logs = await made("harness-inputs-logs-");
    const run = (runId: string) =>
      harness(["run", "--cases", cases, "--platform", "qemu", "--logs", logs, "--run-id", runId]);
    assert.equal((await run("one")).exitCode, 0);
    await writeFile(join(cases, "010_pass", "data.txt"), "more\n");
    assert.equal((await run("two")).exitCode, 0);
    await appendFile(join(cases, "010_pass", "data.txt"), "");
    assert.equal((await run("three")).exitCode, 0);
    const [one, two, three] = await Promise.all(
      ["one", "two", "three"].map((id) => readRecord(join(logs, id))),
    );
    // HEAD may move on while the test runs: the commit must be HEAD or one of its ancestors.
    const commit = one?.harness?.commit ?? "";
    assert.match(commit, /^[0-9a-f]{40}$/);
    await execa("git", ["-C", REPO, "merge-base", "--is-ancestor", commit, "HEAD"]);
    assert.match(one?.harness?.version ?? "", /^\d+\.\d+\.\d+/);
    const hashOf = (record: typeof one) => record?.cells[0]?.caseHash;
    assert.match(hashOf(one) ?? "", /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(hashOf(two), hashOf(one), "a new file in the case changes its hash");
    assert.equal(hashOf(three), hashOf(two), "same files, same hash");
  });
});
