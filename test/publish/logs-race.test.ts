// Lost races on the logs repository, staged for certain: another publisher pushes between this
// one's fetch and push; the push is rejected, retried after a backoff, and both runs are kept.
import assert from "node:assert/strict";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { publish } from "../../harness/publish/publish.ts";
import type { Git } from "../../harness/publish/git.ts";
import { parseLogsRepoUrl } from "../../harness/publish/logs-url.ts";
import { createRedact } from "../../harness/util/redact.ts";
import { harness, tempDir } from "../helpers/cli.ts";
import { fileAt, fileRemote, refs, type Remote } from "./remotes.ts";
import { runVariant } from "./runs.ts";

describe("logs repository races", () => {
  let remote: Remote;
  let runs: string;

  before(async () => {
    remote = await fileRemote();
    runs = await tempDir("harness-publish-race-");
  });

  after(async () => {
    await remote?.stop();
    if (runs) await rm(runs, { recursive: true, force: true });
  });

  function publishWith(runDir: string, wrapGit: (git: Git) => Git, lines: string[]) {
    return publish({
      runDir,
      logsRepo: parseLogsRepoUrl(remote.url),
      about: {},
      config: {},
      repoRoot: process.cwd(),
      env: process.env,
      redact: createRedact({}),
      log: (line) => lines.push(line),
      signal: new AbortController().signal,
      backoff: { attempts: 5, baseMs: 50, capMs: 200 },
      wrapGit,
    });
  }

  it("retries an index push that lost a race and keeps both runs", async () => {
    const [mine, theirs] = await Promise.all([
      runVariant(runs, "mine"),
      runVariant(runs, "theirs"),
    ]);
    const indexPushes: string[] = [];
    let raced = false;
    const lines: string[] = [];
    const problems = await publishWith(
      mine,
      (git) => async (args, options) => {
        if (args[0] === "push" && String(args.at(-1)).endsWith(":refs/heads/main")) {
          indexPushes.push(String(args.at(-1)));
          if (!raced) {
            raced = true;
            // Another runner publishes its run in between this one's fetch and push.
            const other = await harness(["publish", theirs, "--logs-repo", remote.url]);
            assert.equal(other.exitCode, 0, other.stderr);
          }
        }
        return git(args, options);
      },
      lines,
    );
    assert.deepEqual(problems, []);
    assert.equal(indexPushes.length, 2, "the first push was rejected and retried once");
    assert.match(
      lines.join("\n"),
      /push of index lost a race with another publisher \(try 1\); retrying in \d+ ms/,
    );
    const index = JSON.parse((await fileAt(remote.gitDir, "main", "index.json")).toString()) as {
      runs: { runId: string }[];
    };
    assert.deepEqual(index.runs.map((r) => r.runId).sort(), ["mine", "theirs"]);
  });

  it("adds a commit on top when a published run changed, keeping the old one", async () => {
    const runDir = await runVariant(runs, "changed");
    const lines: string[] = [];
    const plain = (git: Git) => git;
    assert.deepEqual(await publishWith(runDir, plain, lines), []);
    const first = (await refs(remote.gitDir))["refs/heads/runs/changed"];
    await writeFile(join(runDir, "merged-shard.log"), "a shard merged later\n");
    assert.deepEqual(await publishWith(runDir, plain, lines), []);
    const second = (await refs(remote.gitDir))["refs/heads/runs/changed"];
    assert.notEqual(second, first);
    assert.equal(
      (await fileAt(remote.gitDir, "runs/changed", "merged-shard.log")).toString(),
      "a shard merged later\n",
    );
    const parent = await execa("git", ["--git-dir", remote.gitDir, "rev-parse", `${second}^`]);
    assert.equal(parent.stdout, first, "the earlier publication stays in the branch's history");
    const index = JSON.parse((await fileAt(remote.gitDir, "main", "index.json")).toString()) as {
      runs: { runId: string; commit: string }[];
    };
    assert.equal(index.runs.find((r) => r.runId === "changed")?.commit, second);
  });
});
