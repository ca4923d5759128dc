// harness publish --github against a local GitHub that checks every request against GitHub's
// published OpenAPI description: statuses and check runs for pass, fail, error and mixed runs,
// pending then final, only changes posted, rate limits waited out, annotations in batches of 50.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { harness, tempDir } from "../helpers/cli.ts";
import { startFakeGitHub, type FakeGitHub } from "../helpers/github-server.ts";
import { readRecord, runVariant, type Variant } from "./runs.ts";

const APP_TOKEN = `ghs_${"A1b2".repeat(9)}`;
const PERSONAL_TOKEN = `ghp_${"Z9y8".repeat(9)}`;

const newSha = () => randomBytes(20).toString("hex");

describe("harness publish --github", function () {
  let github: FakeGitHub;
  let runs: string;
  let config: string;

  before(async () => {
    github = await startFakeGitHub({ tokens: [APP_TOKEN, PERSONAL_TOKEN] });
    runs = await tempDir("harness-publish-gh-");
    config = join(runs, "harness.yml");
    await writeFile(config, 'publish:\n  logsUrl: "https://logs.example.test/{runId}/{cellDir}"\n');
  });

  after(async () => {
    await github?.stop();
    if (runs) await rm(runs, { recursive: true, force: true });
  });

  afterEach(function () {
    const violations = github.violations.splice(0);
    if (this.currentTest?.state === "passed")
      assert.deepEqual(violations, [], "requests GitHub would refuse");
  });

  const publish = (target: string[], sha: string, token = APP_TOKEN, ...extra: string[]) =>
    harness(
      [
        "publish",
        ...target,
        "--github",
        "acme/images",
        "--sha",
        sha,
        "--github-api-url",
        github.url,
        "--config",
        config,
        ...extra,
      ],
      { env: { GITHUB_TOKEN: token } },
    );
  const statusesOf = (sha: string) =>
    new Map(github.statuses.filter((s) => s.sha === sha).map((s) => [s.context, s]));
  const checkRunsOf = (sha: string) => github.checkRuns.filter((c) => c.head_sha === sha);
  const writesSince = (from: number) =>
    github.requests.slice(from).filter((r) => r.method !== "GET");

  const expected: Record<
    Exclude<Variant, "many">,
    { states: Record<string, string>; conclusion: string; annotations: number }
  > = {
    pass: {
      states: { "harness/qemu": "success", "harness/summary": "success" },
      conclusion: "success",
      annotations: 0,
    },
    fail: {
      states: { "harness/qemu": "failure", "harness/summary": "failure" },
      conclusion: "failure",
      annotations: 6,
    },
    error: {
      states: { "harness/qemu": "error", "harness/summary": "error" },
      conclusion: "failure",
      annotations: 1,
    },
    mixed: {
      states: { "harness/gcp": "failure", "harness/qemu": "success", "harness/summary": "failure" },
      conclusion: "failure",
      annotations: 2,
    },
  };

  for (const [variant, want] of Object.entries(expected)) {
    it(`reports a ${variant} run as statuses and a check run GitHub accepts`, async () => {
      const runDir = await runVariant(runs, `gh-${variant}`, variant as Variant);
      const sha = newSha();
      const result = await publish([runDir], sha);
      assert.equal(result.exitCode, 0, result.stderr + result.stdout);
      const statuses = statusesOf(sha);
      assert.deepEqual(
        Object.fromEntries([...statuses].map(([c, s]) => [c, s.state])),
        want.states,
      );
      const runUrl = `https://logs.example.test/gh-${variant}`;
      for (const status of statuses.values()) {
        assert.ok([...(status.description ?? "")].length <= 140);
        assert.equal(status.target_url, runUrl);
      }
      const summary = statuses.get("harness/summary")?.description ?? "";
      if (variant === "pass") assert.equal(summary, "5 cells: 4 passed, 1 skipped");
      if (variant === "fail")
        assert.match(
          summary,
          /^5 failed, 1 timed out, 4 passed, 1 cancelled, 1 skipped of 12 — fixtures\.\S+: \S/,
        );
      if (variant === "error")
        assert.match(
          summary,
          /^1 error, 4 passed, 1 skipped of 6 — fixtures\.\S+: boot: kernel panic/,
        );
      const [check, ...more] = checkRunsOf(sha);
      assert.equal(more.length, 0);
      assert.equal(check?.conclusion, want.conclusion);
      assert.equal(check?.external_id, `gh-${variant}`);
      assert.equal(check?.details_url, runUrl);
      assert.equal(check?.annotations.length, want.annotations);
      const record = await readRecord(runDir);
      for (const cell of record.cells.filter((c) => c.status === "fail" || c.status === "error")) {
        assert.ok(
          check?.output.summary?.includes(`[logs](${cell.logsUrl})`),
          `summary links ${cell.id}`,
        );
      }
      for (const annotation of check?.annotations ?? [])
        assert.match(String(annotation.path), /^test\/fixtures\/cases\//);
    });
  }

  it("posts pending when a run starts, the final state at the end, and nothing twice", async () => {
    const sha = newSha();
    const pending = await publish(["--pending", "-p", "qemu", "-p", "gcp"], sha);
    assert.equal(pending.exitCode, 0, pending.stderr);
    assert.deepEqual([...statusesOf(sha).values()].map((s) => `${s.context}=${s.state}`).sort(), [
      "harness/gcp=pending",
      "harness/qemu=pending",
      "harness/summary=pending",
    ]);
    assert.equal(checkRunsOf(sha)[0]?.status, "in_progress");
    const runDir = await runVariant(runs, "gh-pending", "mixed");
    assert.equal((await publish([runDir], sha)).exitCode, 0);
    assert.equal(
      checkRunsOf(sha).length,
      1,
      "the started check run is completed, not a second one made",
    );
    assert.equal(checkRunsOf(sha)[0]?.conclusion, "failure");
    assert.equal(statusesOf(sha).get("harness/qemu")?.state, "success");
    const before = github.requests.length;
    const again = await publish([runDir], sha);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.deepEqual(writesSince(before), [], "a republish posts nothing");
    assert.match(again.stdout, /harness\/summary failure .*\(unchanged\)/);
    assert.match(again.stdout, /check run unchanged/);
  });

  it("waits out primary and secondary rate limits and retries", async () => {
    const runDir = await runVariant(runs, "gh-limited", "fail");
    const sha = newSha();
    const before = github.requests.length;
    github.rateLimitNext("primary", "GET");
    github.rateLimitNext("secondary", "POST");
    const result = await publish([runDir], sha);
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);
    const limited = github.requests.slice(before).filter((r) => r.status === 403);
    assert.deepEqual(
      limited.map((r) => r.method),
      ["GET", "POST"],
    );
    assert.match(result.stdout, /primary rate limit .* retrying in \ds/);
    assert.match(result.stdout, /secondary rate limit .* retrying in 1s/);
    assert.deepEqual([...statusesOf(sha).keys()].sort(), ["harness/qemu", "harness/summary"]);
    assert.equal(checkRunsOf(sha).length, 1);
  });

  it("sends annotations 50 per request", async () => {
    const runDir = await runVariant(runs, "gh-many", "many");
    const sha = newSha();
    const result = await publish([runDir], sha);
    assert.equal(result.exitCode, 0, result.stderr);
    const [check] = checkRunsOf(sha);
    assert.deepEqual(check?.annotationBatches, [50, 50, 20]);
    assert.match(result.stdout, /120 annotations in 3 requests/);
  });

  it("fits a long error line into 140 characters", async () => {
    const runDir = await runVariant(runs, "gh-long", "error");
    const record = await readRecord(runDir);
    const cell = record.cells.find((c) => c.status === "error");
    assert.ok(cell);
    cell.reasons = [`boot: ${"🔥 firmware said no ".repeat(30)}`];
    await writeFile(join(runDir, "run.json"), JSON.stringify(record));
    const sha = newSha();
    assert.equal((await publish([runDir], sha)).exitCode, 0);
    const description = statusesOf(sha).get("harness/summary")?.description ?? "";
    assert.ok(description.length <= 140 && description.endsWith("…"), description);
  });

  it("posts statuses but no check run with a personal token, unless told to", async () => {
    const runDir = await runVariant(runs, "gh-pat", "fail");
    const sha = newSha();
    const auto = await publish([runDir], sha, PERSONAL_TOKEN);
    assert.equal(auto.exitCode, 0, auto.stderr);
    assert.equal(statusesOf(sha).size, 2);
    assert.ok(!github.requests.some((r) => r.path.includes("check-runs") && r.path.includes(sha)));
    const always = await publish([runDir], sha, PERSONAL_TOKEN, "--check-run", "always");
    assert.equal(always.exitCode, 3);
    assert.match(
      always.stderr,
      /GitHub refused the check run: You must authenticate via a GitHub App/,
    );
    github.violations.splice(0);
  });

  it("refuses bad input with exit 2 before sending anything", async () => {
    const runDir = await runVariant(runs, "gh-bad", "pass");
    const badConfig = join(runs, "bad.yml");
    await writeFile(badConfig, 'publish:\n  logsUrl: "https://logs.example.test/{nope}"\n');
    const before = github.requests.length;
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ["publish", runDir, "--github", "acme/images", "--sha", newSha()],
        { GITHUB_TOKEN: "", GH_TOKEN: "" },
        /ETOKEN/,
      ],
      [
        ["publish", runDir, "--github", "acme", "--sha", newSha()],
        { GITHUB_TOKEN: APP_TOKEN },
        /not OWNER\/REPO/,
      ],
      [
        ["publish", runDir, "--github", "acme/images", "--sha", "abc"],
        { GITHUB_TOKEN: APP_TOKEN },
        /not a full commit id/,
      ],
      [
        ["publish", runs, "--github", "acme/images", "--sha", newSha()],
        { GITHUB_TOKEN: APP_TOKEN },
        /has no run\.json/,
      ],
      [
        [
          "publish",
          runDir,
          "--github",
          "acme/images",
          "--sha",
          newSha(),
          "--github-api-url",
          "ftp://x",
        ],
        { GITHUB_TOKEN: APP_TOKEN },
        /not an http\(s\) URL/,
      ],
      [["publish", runDir, "--logs-repo", "git://example.test/logs.git"], {}, /ELOGSREPO/],
      [["publish", runDir], {}, /nothing to publish to/],
      [["publish", runDir, "--logs-repo", "file:///x.git", "--config", badConfig], {}, /ECONFIG/],
    ];
    for (const [args, env, message] of cases) {
      const result = await harness(args, { env });
      assert.equal(result.exitCode, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    assert.equal(github.requests.length, before);
  });
});
