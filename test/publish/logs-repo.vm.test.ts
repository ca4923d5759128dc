// harness publish --logs-repo against real git remotes (a bare repository over file:// and over
// SSH to a real sshd): concurrent publishers lose nothing, a republish changes nothing, layout.
import assert from "node:assert/strict";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { harness, tempDir } from "../helpers/cli.ts";
import { processesWithEnv } from "../helpers/processes.ts";
import { fileAt, fileRemote, filesOf, refs, sshRemote, type Remote } from "./remotes.ts";
import { fixtureRun, readRecord, runVariant } from "./runs.ts";

const BIG_LOG = "cells/fixtures.io.big_output/qemu-x86_64-debian-6.1-cloud/console.log";

const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
-----END OPENSSH PRIVATE KEY-----
`;

interface IndexJson {
  runs: {
    runId: string;
    branch: string;
    commit: string;
    sha?: string;
    pr?: number;
    url?: string;
  }[];
}

async function configWithLinks(): Promise<string> {
  const file = join(await tempDir("harness-publish-config-"), "harness.yml");
  await writeFile(file, 'publish:\n  logsUrl: "https://logs.example.test/{branch}/{cellDir}"\n');
  return file;
}

for (const transport of ["file", "ssh"] as const) {
  describe(`harness publish --logs-repo over ${transport}://`, function () {
    let remote: Remote;
    let runs: string;
    let config: string;
    const publishRun = (runDir: string, ...extra: string[]) =>
      harness(["publish", runDir, "--logs-repo", remote.url, "--config", config, ...extra], {
        env: remote.env,
      });

    before(async () => {
      await fixtureRun();
      remote = transport === "file" ? await fileRemote() : await sshRemote();
      runs = await tempDir("harness-publish-runs-");
      config = await configWithLinks();
    });

    after(async () => {
      if (runs) await rm(runs, { recursive: true, force: true });
      if (config) await rm(dirname(config), { recursive: true, force: true });
      if (!remote) return;
      const marker =
        "sshd" in remote ? (remote as { sshd: { marker: string } }).sshd.marker : undefined;
      await remote.stop();
      if (marker) assert.deepEqual(await processesWithEnv(marker), [], "sshd stopped");
    });

    it("keeps every run when 4 publishers push at once", async () => {
      const ids = ["a", "b", "c", "d"].map((x) => `${transport}-${x}`);
      const dirs = await Promise.all(ids.map((id) => runVariant(runs, id)));
      const sha = "1234567890abcdef1234567890abcdef12345678";
      const results = await Promise.all(
        dirs.map((dir, i) => publishRun(dir, "--sha", sha, "--pr", String(i + 1))),
      );
      for (const result of results) assert.equal(result.exitCode, 0, result.stderr + result.stdout);
      const all = await refs(remote.gitDir);
      for (const id of ids)
        assert.ok(all[`refs/heads/runs/${id}`], `branch runs/${id}: ${JSON.stringify(all)}`);
      const index = JSON.parse(
        (await fileAt(remote.gitDir, "main", "index.json")).toString(),
      ) as IndexJson;
      assert.deepEqual(index.runs.map((r) => r.runId).sort(), ids);
      for (const entry of index.runs) {
        assert.equal(
          entry.commit,
          all[`refs/heads/${entry.branch}`],
          "the index points at each run's commit",
        );
        assert.equal(entry.sha, sha);
        assert.equal(entry.url, `https://logs.example.test/runs/${entry.runId}`);
      }
      assert.deepEqual(index.runs.map((r) => r.pr).sort(), [1, 2, 3, 4]);
      const markdown = (await fileAt(remote.gitDir, "main", "index.md")).toString();
      for (const id of ids)
        assert.match(markdown, new RegExp(`\\[${id}\\]\\(https://logs.example.test/runs/${id}\\)`));
      assert.match(
        markdown,
        /## By pull request[\s\S]*\*\*#3\*\*[\s\S]*## By commit[\s\S]*\*\*1234567890ab\*\*/,
      );
    });

    it("changes nothing when the same run is published again", async () => {
      const dir = await runVariant(runs, `${transport}-again`);
      const first = await publishRun(dir, "--sha", "a".repeat(40));
      assert.equal(first.exitCode, 0, first.stderr);
      assert.match(first.stdout, /pushed runs\/\S+ .*index updated/);
      const before = await refs(remote.gitDir);
      const localRecord = await readFile(join(dir, "run.json"), "utf8");
      const second = await publishRun(dir, "--sha", "a".repeat(40));
      assert.equal(second.exitCode, 0, second.stderr);
      assert.match(second.stdout, /already there, unchanged; index unchanged/);
      assert.deepEqual(await refs(remote.gitDir), before);
      assert.equal(
        await readFile(join(dir, "run.json"), "utf8"),
        localRecord,
        "local run.json untouched",
      );
    });

    it("stores the run on its own branch: logs gzipped, links in run.json, no SSH keys", async () => {
      const dir = await runVariant(runs, `${transport}-layout`);
      await mkdir(join(dir, "ssh"));
      await writeFile(join(dir, "ssh", "id_ed25519"), PRIVATE_KEY);
      await writeFile(join(dir, "cells", "stray_key"), PRIVATE_KEY);
      const result = await publishRun(dir);
      assert.equal(result.exitCode, 0, result.stderr);
      const branch = `runs/${transport}-layout`;
      const files = await filesOf(remote.gitDir, branch);
      assert.ok(
        files.includes(`${BIG_LOG}.gz`) && !files.includes(BIG_LOG),
        "the 10 MB log is gzipped",
      );
      const original = await readFile(join(dir, BIG_LOG));
      assert.ok((await fileAt(remote.gitDir, branch, `${BIG_LOG}.gz`)).equals(original));
      assert.ok(files.includes("junit.xml") && files.includes("summary.md"));
      assert.ok(!files.some((f) => f.startsWith("ssh/")), "the run's SSH keys stay out");
      assert.ok(!files.includes("cells/stray_key"), "so does any other private key");
      assert.match(result.stdout, /left out cells\/stray_key \(a private key\)/);
      const published = JSON.parse(
        (await fileAt(remote.gitDir, branch, "run.json")).toString(),
      ) as Awaited<ReturnType<typeof readRecord>>;
      assert.equal(published.logsUrl, `https://logs.example.test/${branch}`);
      for (const cell of published.cells) {
        assert.equal(cell.logsUrl, `https://logs.example.test/${branch}/${cell.dir}`);
      }
      const local = await readRecord(dir);
      assert.deepEqual(
        local.cells.map((c) => c.logsUrl),
        published.cells.map((c) => c.logsUrl),
        "links land locally too",
      );
      assert.ok((await stat(join(dir, "cells"))).isDirectory());
    });
  });
}
