// The nightly's confirm-before-report path over the host-script fixtures and a local GitHub that
// checks every request against GitHub's OpenAPI description: regressions re-run three times, the
// one that passes a re-run becomes flaky, the confirmed one gets an issue, which a repeat failure
// comments on (reopening it when closed) and a later passing nightly closes.
import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { FIXTURES, harness, tempDir } from "../helpers/cli.ts";
import { startFakeGitHub, type FakeGitHub } from "../helpers/github-server.ts";

const TOKEN = `ghs_${"N1g4".repeat(9)}`;
const REPO = "acme/images";
const LABEL = "harness-regression";
const key = (name: string) => `fixtures.${name}/qemu-x86_64-debian-6.1-cloud`;

async function readRun(dir: string): Promise<RunRecord> {
  return JSON.parse(await readFile(join(dir, "run.json"), "utf8")) as RunRecord;
}

async function rewrite(dir: string, change: (run: RunRecord) => void): Promise<void> {
  const run = await readRun(dir);
  change(run);
  await writeFile(join(dir, "run.json"), JSON.stringify(run));
}

function setStatus(run: RunRecord, name: string, status: "pass" | "fail"): void {
  const cell = run.cells.find((c) => c.id === key(name));
  assert.ok(cell, name);
  cell.status = status;
}

describe("the nightly: confirm, compare, issues", function () {
  this.timeout(120_000);
  let github: FakeGitHub;
  let logs: string;
  let scratch: string;
  let tonight: string;
  let lastNight: string;

  before(async () => {
    github = await startFakeGitHub({ tokens: [TOKEN] });
    logs = await tempDir("harness-nightly-");
    scratch = await tempDir("harness-nightly-scratch-");
    // Tonight's run: the flaky fixture hangs on its first attempt (a timeout), like a real flake.
    const run = await harness(
      [
        "run",
        ...["--cases", FIXTURES, "--platform", "qemu", "-l", "flaky"],
        ...["--logs", logs, "--run-id", "nightly-2", "--parallel", "6"],
      ],
      { env: { FIXTURE_SCRATCH: scratch } },
    );
    assert.equal(run.exitCode, 1, run.stderr);
    tonight = join(logs, "nightly-2");
    // Last night (planted): outcomes.fail and io.flaky passed; outcomes.pass failed.
    lastNight = join(logs, "nightly-1");
    await cp(tonight, lastNight, { recursive: true });
    await rewrite(lastNight, (r) => {
      r.runId = "nightly-1";
      setStatus(r, "outcomes.fail", "pass");
      setStatus(r, "io.flaky", "pass");
      setStatus(r, "outcomes.pass", "fail");
    });
  });

  after(async () => {
    await github?.stop();
  });

  afterEach(function () {
    const violations = github.violations.splice(0);
    if (this.currentTest?.state === "passed")
      assert.deepEqual(violations, [], "requests GitHub would refuse");
  });

  const issues = (runDir: string, ...extra: string[]) =>
    harness(["issues", runDir, "--github", REPO, "--github-api-url", github.url, ...extra], {
      env: { GITHUB_TOKEN: TOKEN },
    });
  const issueOf = (name: string) =>
    github.issues.filter((i) => i.body?.includes(`<!-- harness-cell: ${key(name)} -->`));

  it("re-runs each regression 3 times: a pass makes it flaky, three failures confirm it", async () => {
    const result = await harness(["confirm", tonight, "--baseline", lastNight, "--times", "3"], {
      env: { FIXTURE_SCRATCH: scratch },
    });
    assert.equal(result.exitCode, 1, result.stderr + result.stdout);
    assert.match(result.stdout, /re-running 2 regressed cells 3 times each/);
    assert.match(
      result.stdout,
      new RegExp(
        `confirmed: ${key("outcomes.fail").replace(/\./g, "\\.")} \\(3 of 3 re-runs failed\\)`,
      ),
    );
    assert.match(result.stdout, /flaky: fixtures\.io\.flaky\S+ \(0 of 3 re-runs failed\)/);
    const run = await readRun(tonight);
    const flaky = run.cells.find((c) => c.id === key("io.flaky"));
    const failed = run.cells.find((c) => c.id === key("outcomes.fail"));
    assert.equal(flaky?.status, "flaky");
    assert.match(
      flaky?.reasons[0] ?? "",
      /^regression not confirmed: passed 3 of 3 re-runs \(run nightly-2-confirm\)/,
    );
    assert.deepEqual(
      flaky?.attempts.map((a) => a.status),
      ["timeout", "pass", "pass", "pass"],
    );
    assert.equal(failed?.status, "fail");
    assert.match(failed?.reasons[0] ?? "", /^regression confirmed: failed 3 of 3 re-runs/);
    assert.equal(failed?.attempts.length, 4);
    assert.equal(run.counts.flaky, 1);
    const rerun = await readRun(join(logs, "nightly-2-confirm"));
    assert.deepEqual(
      rerun.cells.map((c) => c.id).sort(),
      [
        key("io.flaky"),
        `${key("io.flaky")}.r2`,
        `${key("io.flaky")}.r3`,
        key("outcomes.fail"),
        `${key("outcomes.fail")}.r2`,
        `${key("outcomes.fail")}.r3`,
      ].sort(),
      "only the regressed cells, three times each",
    );
    const summary = await readFile(join(tonight, "summary.md"), "utf8");
    assert.match(summary, /🔁 flaky \| `fixtures\.io\.flaky/);
  });

  it("then compares: only the confirmed regression counts, the flake is listed as flaky", async () => {
    const result = await harness(["compare", lastNight, tonight, "--json", "-"]);
    assert.equal(result.exitCode, 1);
    const json = JSON.parse(result.stdout) as {
      regressions: { key: string }[];
      flakes: { key: string }[];
    };
    assert.deepEqual(
      json.regressions.map((c) => c.key),
      [key("outcomes.fail")],
    );
    assert.deepEqual(
      json.flakes.map((c) => c.key),
      [key("io.flaky")],
    );
  });

  it("opens one issue for the confirmed regression and closes the issue of a cell that passes now", async () => {
    const fixed = github.addIssue({
      repo: REPO,
      title: "Regression: fixtures.outcomes.pass on qemu x86_64 debian-6.1-cloud",
      body: `<!-- harness-cell: ${key("outcomes.pass")} -->\nold`,
      labels: [LABEL],
    });
    const unrelated = github.addIssue({
      repo: REPO,
      title: "Docs typo",
      body: "no marker",
      labels: [LABEL],
    });
    const result = await issues(tonight, "--baseline", lastNight);
    assert.equal(result.exitCode, 0, result.stderr);
    const [opened, ...more] = issueOf("outcomes.fail");
    assert.equal(more.length, 0);
    assert.ok(opened);
    assert.equal(opened.state, "open");
    assert.deepEqual(opened.labels, [LABEL]);
    assert.equal(
      opened.title,
      "Regression: fixtures.outcomes.fail on qemu x86_64 debian-6.1-cloud",
    );
    assert.match(
      opened.body ?? "",
      /fails in nightly run `nightly-2` \(it last passed in `nightly-1`\); re-runs confirmed it/,
    );
    assert.match(opened.body ?? "", /regression confirmed: failed 3 of 3 re-runs/);
    assert.match(opened.body ?? "", /```sh\nnpx harness run fixtures\.outcomes\.fail /);
    assert.equal(issueOf("io.flaky").length, 0, "no issue for a flake");
    assert.equal(fixed.state, "closed");
    assert.equal(fixed.state_reason, "completed");
    assert.match(fixed.comments.at(-1) ?? "", /^Passes in nightly run `nightly-2`; closing\./);
    assert.equal(unrelated.state, "open");
    assert.deepEqual(unrelated.comments, []);
    assert.match(result.stdout, new RegExp(`issue #${opened.number} opened: `));
    assert.match(result.stdout, new RegExp(`issue #${fixed.number} closed: `));
  });

  it("comments on the open issue when the cell fails again, and reopens a closed one", async () => {
    const [issue] = issueOf("outcomes.fail");
    assert.ok(issue);
    const again = await issues(tonight, "--baseline", lastNight);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.equal(issueOf("outcomes.fail").length, 1, "updated, not opened twice");
    assert.match(issue.comments.at(-1) ?? "", /^Fails again in nightly run `nightly-2` \(fail\)/);
    issue.state = "closed";
    const reopened = await issues(tonight, "--baseline", lastNight);
    assert.equal(reopened.exitCode, 0, reopened.stderr);
    assert.equal(issue.state, "open");
    assert.equal(issue.state_reason, "reopened");
    assert.equal(issue.comments.length, 2);
    assert.match(
      reopened.stdout,
      new RegExp(`issue #${issue.number} reopened: .*\\n.*issue #${issue.number} commented: `),
    );
  });

  it("judges each cell against the last run that judged it, and says what changed since it passed", async () => {
    // Two nights ago the cell passed on an older kernel; last night it was an infrastructure error.
    const history = await tempDir("harness-nightly-history-");
    const kernel = (version: string) => ({
      package: "linux-image-6.1.0-cloud-amd64",
      version,
      release: "6.1.0-cloud-amd64",
      source: "debian:bookworm",
    });
    const plant = async (runId: string, day: number, change: (r: RunRecord) => void) => {
      await cp(tonight, join(history, runId), { recursive: true });
      await rewrite(join(history, runId), (r) => {
        r.runId = runId;
        r.startedAt = `2026-12-0${day}T02:17:00.000Z`;
        const cell = r.cells.find((c) => c.id === key("outcomes.fail"));
        for (const attempt of cell?.attempts ?? [])
          attempt.machine = { accelerator: "tcg", kernel: kernel("6.1.158-1") };
        change(r);
      });
    };
    const cellOf = (r: RunRecord) => r.cells.find((c) => c.id === key("outcomes.fail"));
    await plant("nightly-a", 1, (r) => {
      setStatus(r, "outcomes.fail", "pass");
      for (const attempt of cellOf(r)?.attempts ?? [])
        attempt.machine = { accelerator: "tcg", kernel: kernel("6.1.153-1") };
    });
    await plant("nightly-b", 2, (r) => {
      const cell = cellOf(r);
      if (cell) cell.status = "error";
    });
    await plant("nightly-c", 3, () => {});
    const current = join(history, "nightly-c");
    const [issue] = issueOf("outcomes.fail");
    assert.ok(issue);
    const comments = issue.comments.length;

    const againstLastNight = await issues(current, "--baseline", join(history, "nightly-b"));
    assert.equal(againstLastNight.exitCode, 0, againstLastNight.stderr);
    assert.equal(issue.comments.length, comments, "an error last night decides nothing");

    const againstHistory = await issues(current, "--history", history);
    assert.equal(againstHistory.exitCode, 0, againstHistory.stderr);
    assert.equal(issue.comments.length, comments + 1);
    const comment = issue.comments.at(-1) ?? "";
    assert.match(comment, /^Fails again in nightly run `nightly-c` \(fail\)/);
    assert.match(
      comment,
      /What changed since `nightly-a`:\n\n- kernel 6\.1\.153-1 → 6\.1\.158-1\n/,
    );

    const both = await issues(current, "--history", history, "--baseline", tonight);
    assert.equal(both.exitCode, 2);
    assert.match(both.stderr, /takes --baseline or a history, not both/);
    const confirmed = await harness(["confirm", current, "--history", history, "--times", "1"], {
      env: { FIXTURE_SCRATCH: scratch },
    });
    assert.equal(confirmed.exitCode, 1, confirmed.stderr);
    assert.match(confirmed.stdout, /re-running 1 regressed cell 1 times each/);
    assert.match(confirmed.stdout, /1 of 1 regressions confirmed/);
    const confirmAlone = await harness(["confirm", current]);
    assert.equal(confirmAlone.exitCode, 2);
    assert.match(confirmAlone.stderr, /needs the earlier runs: --baseline RUN_DIR, --history/);
  });

  it("closes the issue when a later nightly passes the cell", async () => {
    const later = join(logs, "nightly-3");
    await cp(tonight, later, { recursive: true });
    await rewrite(later, (r) => {
      r.runId = "nightly-3";
      setStatus(r, "outcomes.fail", "pass");
    });
    const result = await issues(later, "--baseline", tonight);
    assert.equal(result.exitCode, 0, result.stderr);
    const [issue] = issueOf("outcomes.fail");
    assert.equal(issue?.state, "closed");
    assert.match(issue?.comments.at(-1) ?? "", /^Passes in nightly run `nightly-3`/);
    const quiet = await issues(later, "--baseline", tonight);
    assert.match(quiet.stdout, /no issue to open, update or close/);
  });

  it("refuses to run without a token or with a bad repository (exit 2)", async () => {
    const noToken = await harness(["issues", tonight, "--github", REPO], {
      env: { GITHUB_TOKEN: "" },
    });
    assert.equal(noToken.exitCode, 2);
    assert.match(noToken.stderr, /needs a token in GITHUB_TOKEN/);
    const badRepo = await issues(tonight, "--github", "not a repo");
    assert.equal(badRepo.exitCode, 2);
    assert.match(badRepo.stderr, /--github "not a repo" is not OWNER\/REPO/);
  });
});
