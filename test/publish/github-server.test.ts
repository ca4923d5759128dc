// The local GitHub refuses what GitHub would: requests that break the published description, status
// descriptions past 140 characters, check runs without an App token, too many annotations.
import assert from "node:assert/strict";
import { createGitHubClient, type GitHubClient } from "../../harness/publish/github-client.ts";
import { createRedact } from "../../harness/util/redact.ts";
import { startFakeGitHub, type FakeGitHub } from "../helpers/github-server.ts";

const APP_TOKEN = `ghs_${"Q7w8".repeat(9)}`;
const PERSONAL_TOKEN = `ghp_${"E5r6".repeat(9)}`;
const target = { owner: "acme", repo: "images", sha: "f".repeat(40) };
const repo = { owner: target.owner, repo: target.repo };

describe("the local GitHub", () => {
  let github: FakeGitHub;
  let app: GitHubClient;
  let personal: GitHubClient;

  before(async () => {
    github = await startFakeGitHub({ tokens: [APP_TOKEN, PERSONAL_TOKEN] });
    const client = (token: string) =>
      createGitHubClient({
        token,
        baseUrl: github.url,
        redact: createRedact({}),
        log: () => undefined,
      });
    app = client(APP_TOKEN);
    personal = client(PERSONAL_TOKEN);
  });

  after(() => github?.stop());

  async function refused(call: Promise<unknown>, status: number, violation?: RegExp) {
    github.violations.splice(0);
    await assert.rejects(call, (error: { status?: number }) => error.status === status);
    if (violation) assert.match(github.violations.join("\n"), violation);
  }

  it("accepts a valid status and answers as documented", async () => {
    github.violations.splice(0);
    const { data } = await app.rest.repos.createCommitStatus({
      ...target,
      state: "success",
      context: "harness/x",
      description: "ok",
    });
    assert.equal(data.context, "harness/x");
    assert.deepEqual(github.violations, []);
  });

  it("refuses a description past 140 characters", async () => {
    const call = app.rest.repos.createCommitStatus({
      ...target,
      state: "success",
      description: "x".repeat(141),
    });
    await refused(call, 422, /description is too long \(maximum is 140 characters\)/);
  });

  it("refuses what the description does not allow", async () => {
    const bogus = app.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
      ...target,
      state: "bogus" as "success",
    });
    await refused(bogus, 422, /body\/state must be equal to one of the allowed values/);
    const unknown = app.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
      ...target,
      state: "success",
      colour: "red",
    });
    await refused(unknown, 422, /unknown field colour/);
    await refused(
      app.request("GET /repos/{owner}/{repo}/no-such-thing", target),
      404,
      /no such operation/,
    );
  });

  it("refuses check runs without an App token, and more than 50 annotations", async () => {
    const checkRun = {
      ...repo,
      name: "harness",
      head_sha: target.sha,
      status: "completed" as const,
      conclusion: "success" as const,
    };
    await refused(personal.rest.checks.create(checkRun), 403);
    const annotation = {
      path: "a",
      start_line: 1,
      end_line: 1,
      annotation_level: "failure" as const,
      message: "m",
    };
    const tooMany = {
      title: "t",
      summary: "s",
      annotations: Array.from({ length: 51 }, () => annotation),
    };
    await refused(
      app.rest.checks.create({ ...checkRun, output: tooMany }),
      422,
      /must NOT have more than 50 items/,
    );
    const noConclusion = {
      ...repo,
      name: "harness",
      head_sha: target.sha,
      status: "completed" as const,
    };
    await refused(app.rest.checks.create(noConclusion), 422);
  });
});
