// The small parts of publishing: redaction, 140-character descriptions, logs-repository URLs, link
// templates, the index, backoff and annotation paths.
import assert from "node:assert/strict";
import { backoffDelayMs } from "../../harness/publish/backoff.ts";
import { repoPath, batches } from "../../harness/publish/annotations.ts";
import { expandLogsUrl } from "../../harness/publish/links.ts";
import { addToIndex, parseIndex, type IndexEntry } from "../../harness/publish/logs-index.ts";
import { defaultLogsUrlTemplate, parseLogsRepoUrl } from "../../harness/publish/logs-url.ts";
import { fitDescription, DESCRIPTION_LIMIT } from "../../harness/publish/status-text.ts";
import type { HarnessError } from "../../harness/errors.ts";
import { createRedact, redactBytes, redactValue } from "../../harness/util/redact.ts";

describe("redaction", () => {
  const token = `ghp_${"x1Y2".repeat(9)}`;
  const redact = createRedact({
    GITHUB_TOKEN: "plain-secret-value",
    NPM_TOKEN: "short",
    PATH: "/usr/bin:/bin",
  });

  it("masks secrets from the environment, in the forms they travel in", () => {
    assert.equal(redact("a plain-secret-value b"), "a *** b");
    assert.equal(redact(Buffer.from("plain-secret-value").toString("base64")), "***");
    assert.equal(
      redact("short /usr/bin:/bin"),
      "short /usr/bin:/bin",
      "short values and non-secrets stay",
    );
  });

  it("masks secret-shaped strings wherever they come from", () => {
    assert.equal(redact(`use ${token} now`), "use *** now");
    assert.equal(redact("Authorization: Bearer abc.def"), "Authorization: Bearer ***");
    assert.equal(
      redact("https://x-access-token:s3cr3t@github.com/a/b"),
      "https://x-access-token:***@github.com/a/b",
    );
    assert.equal(redact("https://s3cr3ttoken@github.com/a/b"), "https://***@github.com/a/b");
    assert.equal(
      redact("ssh://git@github.com/a/b"),
      "ssh://git@github.com/a/b",
      "an ssh user is no secret",
    );
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----";
    assert.doesNotMatch(redact(`x\n${key}\ny`), /AAAA/);
  });

  it("keeps every other byte of a file", () => {
    const data = Buffer.concat([
      Buffer.from([0, 255, 0xc3]),
      Buffer.from(" plain-secret-value "),
      Buffer.from("é"),
    ]);
    const out = redactBytes(data, redact);
    assert.deepEqual(
      out,
      Buffer.concat([Buffer.from([0, 255, 0xc3]), Buffer.from(" *** "), Buffer.from("é")]),
    );
  });

  it("redacts every string of a record", () => {
    assert.deepEqual(redactValue({ a: ["plain-secret-value"], n: 1, b: { c: token } }, redact), {
      a: ["***"],
      n: 1,
      b: { c: "***" },
    });
  });
});

describe("status descriptions", () => {
  it("stay within 140 UTF-16 units, cut with an ellipsis, never inside a character", () => {
    const text = `${"a".repeat(138)}🔥🔥🔥`;
    const fitted = fitDescription(text);
    assert.ok(fitted.length <= DESCRIPTION_LIMIT);
    assert.ok(fitted.endsWith("…"));
    assert.doesNotMatch(fitted, /[\ud800-\udbff](?![\udc00-\udfff])/, "no half surrogate pair");
    assert.equal(fitDescription("short\nand\tsweet"), "short and sweet");
  });
});

describe("logs repository URLs", () => {
  it("takes ssh, scp-like, https and file URLs", () => {
    assert.equal(parseLogsRepoUrl("ssh://git@host:2222/srv/logs.git").transport, "ssh");
    assert.equal(parseLogsRepoUrl("git@github.com:acme/logs.git").githubRepo, "acme/logs");
    assert.equal(parseLogsRepoUrl("https://github.com/acme/logs").githubRepo, "acme/logs");
    assert.equal(parseLogsRepoUrl("file:///srv/logs.git").transport, "file");
    assert.equal(
      defaultLogsUrlTemplate(parseLogsRepoUrl("https://github.com/acme/logs.git")),
      "https://github.com/acme/logs/tree/{branch}/{cellDir}",
    );
    assert.equal(defaultLogsUrlTemplate(parseLogsRepoUrl("file:///srv/logs.git")), undefined);
  });

  it("refuses the rest as bad input, without showing a token", () => {
    for (const bad of [
      "http://host/logs.git",
      "git://host/logs.git",
      "file://host/logs.git",
      "logs.git",
      "https://x:tok3n@host",
    ]) {
      assert.throws(
        () => parseLogsRepoUrl(bad),
        (error: HarnessError) =>
          error.exitCode === 2 && error.code === "ELOGSREPO" && !error.message.includes("tok3n"),
        bad,
      );
    }
  });
});

describe("log links", () => {
  it("expand {runId}, {branch} and {cellDir}; an empty cell leaves no stray slash", () => {
    const template = "https://logs.example/{branch}/{cellDir}?run={runId}";
    const values = { runId: "r 1", branch: "runs/r 1", cellDir: "cells/a.b/qemu-x86_64-k" };
    assert.equal(
      expandLogsUrl(template, values),
      "https://logs.example/runs/r%201/cells/a.b/qemu-x86_64-k?run=r%201",
    );
    assert.equal(
      expandLogsUrl("https://l.example/{branch}/{cellDir}", { ...values, cellDir: "" }),
      "https://l.example/runs/r%201",
    );
  });
});

describe("the logs index", () => {
  const entry = (runId: string, startedAt: string): IndexEntry => ({
    runId,
    branch: `runs/${runId}`,
    commit: "c".repeat(40),
    startedAt,
    finishedAt: startedAt,
    state: "complete",
    exitCode: 0,
    counts: { pass: 1, fail: 0, error: 0, timeout: 0, skip: 0, cancel: 0, flaky: 0 },
  });

  it("adds runs newest first and reports an entry already there as no change", () => {
    const one = addToIndex(parseIndex(undefined), entry("a", "2026-01-01T00:00:00Z"));
    assert.ok(one);
    const two = addToIndex(one, entry("b", "2026-01-02T00:00:00Z"));
    assert.deepEqual(
      two?.runs.map((r) => r.runId),
      ["b", "a"],
    );
    assert.equal(
      addToIndex(JSON.parse(JSON.stringify(two)) as typeof one, entry("a", "2026-01-01T00:00:00Z")),
      undefined,
    );
    assert.deepEqual(parseIndex("not json").runs, []);
  });
});

describe("backoff and batches", () => {
  it("spreads retries with full jitter under a cap", () => {
    const policy = { attempts: 5, baseMs: 100, capMs: 1000 };
    assert.equal(
      backoffDelayMs(policy, 1, () => 0.999),
      199,
    );
    assert.equal(
      backoffDelayMs(policy, 8, () => 0.999),
      999,
    );
    assert.equal(
      backoffDelayMs(policy, 3, () => 0),
      0,
    );
  });

  it("cuts annotations into requests of 50", () => {
    assert.deepEqual(
      batches(Array.from({ length: 120 }, (_, i) => i)).map((b) => b.length),
      [50, 50, 20],
    );
  });

  it("names case files from the cases folder on, whatever checkout the run was in", () => {
    assert.equal(
      repoPath("/runner/a/repo/cases/010_x/case.yml", "cases", "/elsewhere"),
      "cases/010_x/case.yml",
    );
    assert.equal(
      repoPath("/repo/cases/010_x/case.yml", "/abs/cases", "/repo"),
      "cases/010_x/case.yml",
    );
    assert.equal(repoPath("/other/case.yml", "/abs/cases", "/repo"), undefined);
  });
});
