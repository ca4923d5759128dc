// Secrets never leave: canary secrets planted in a run's logs, its record, a file name and the
// environment are searched for in every output — the logs repository (every object, gzipped ones
// unpacked), every request GitHub got, the command's output and the run's own run.json.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { appendFile, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { harness, tempDir } from "../helpers/cli.ts";
import { startFakeGitHub, type FakeGitHub } from "../helpers/github-server.ts";
import { everything, fileRemote, type Remote } from "./remotes.ts";
import { readRecord, runVariant } from "./runs.ts";

const CANARY_TOKEN = `ghs_${randomBytes(27).toString("base64url").replace(/[-_]/g, "x")}`;
const CANARY_SECRET = `canary-${randomUUID()}`;
const BIG_LOG = "cells/fixtures.io.big_output/qemu-x86_64-debian-6.1-cloud/console.log";

/** Every form a canary could leak in. */
function leaks(text: string): string[] {
  const forms = [CANARY_TOKEN, CANARY_SECRET].flatMap((s) => [
    s,
    Buffer.from(s).toString("base64"),
  ]);
  return forms.filter((form) => text.includes(form));
}

describe("secrets never leave the machine", function () {
  let github: FakeGitHub;
  let remote: Remote;
  let runDir: string;
  const env = { GITHUB_TOKEN: CANARY_TOKEN, HARNESS_CANARY_SECRET: CANARY_SECRET };

  before(async () => {
    github = await startFakeGitHub({ tokens: [CANARY_TOKEN] });
    remote = await fileRemote();
    runDir = await plantCanaries(
      await runVariant(await tempDir("harness-canary-"), "canary", "fail"),
    );
  });

  after(async () => {
    await github?.stop();
    await remote?.stop();
    if (runDir) await rm(dirname(runDir), { recursive: true, force: true });
  });

  it("keeps the canaries out of the logs repository, GitHub and the output", async () => {
    const sha = randomBytes(20).toString("hex");
    const result = await harness(
      [
        "publish",
        runDir,
        "--logs-repo",
        remote.url,
        "--github",
        "acme/images",
        "--sha",
        sha,
        "--github-api-url",
        github.url,
      ],
      { env },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(github.violations, []);
    const repository = await everything(remote.gitDir);
    const requests = github.requests
      .map((r) => `${r.method} ${r.path}${r.query}\n${r.body}`)
      .join("\n");
    // The canaries reached the pipeline: where they were, the mask is.
    assert.match(repository, /auth failed for \*\*\*/);
    assert.match(repository, /big-log-canary \*\*\*/, "redacted before gzipping");
    assert.match(requests, /auth failed for \*\*\*/);
    assert.ok(github.checkRuns.length > 0 && github.statuses.length > 0);
    assert.deepEqual(leaks(repository), [], "logs repository");
    assert.deepEqual(leaks(requests), [], "GitHub requests");
    assert.deepEqual(leaks(result.stdout + result.stderr), [], "command output");
    assert.deepEqual(leaks(await readFile(join(runDir, "run.json"), "utf8")), [], "run.json");
  });

  it("keeps a token in a logs-repository URL out of error messages", async () => {
    const url = `https://x-access-token:${CANARY_TOKEN}@127.0.0.1:1/acme/logs.git`;
    const result = await harness(["publish", runDir, "--logs-repo", url], { env });
    assert.equal(result.exitCode, 3, result.stdout + result.stderr);
    assert.match(result.stderr, /EGIT/);
    assert.deepEqual(leaks(result.stdout + result.stderr), []);
  });
});

/** Plants the canaries in the run's logs, its record, its summary and a file name. */
async function plantCanaries(runDir: string): Promise<string> {
  const record = await readRecord(runDir);
  const failing = record.cells.find((c) => c.status === "fail");
  assert.ok(failing);
  failing.reasons = [`auth failed for ${CANARY_SECRET}`, `token ${CANARY_TOKEN}`];
  failing.reproduce = `GITHUB_TOKEN=${CANARY_TOKEN} ${failing.reproduce}`;
  record.inputs.argv.push(`--token=${CANARY_TOKEN}`);
  await writeFile(join(runDir, "run.json"), JSON.stringify(record, null, 2));
  await appendFile(
    join(runDir, failing.dir, "console.log"),
    `curl -H "Authorization: token ${CANARY_TOKEN}"\nsecret=${CANARY_SECRET}\n`,
  );
  await appendFile(join(runDir, BIG_LOG), `big-log-canary ${CANARY_SECRET}\n`);
  await appendFile(join(runDir, "summary.md"), `\n${CANARY_TOKEN}\n`);
  await writeFile(join(runDir, failing.dir, `note-${CANARY_SECRET}.txt`), "named after a secret\n");
  return runDir;
}
