// The GitHub Actions workflows, checked without running them: GitHub's own workflow parser finds
// no schema or expression errors, and the project's checks find every job, output, matrix key,
// variable, artifact, harness subcommand, flag and preset they use.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { COMMANDS } from "../../harness/cli/commands.ts";
import { loadConfig } from "../../harness/config/load.ts";
import { REPO, harness } from "../helpers/cli.ts";
import { githubWorkflowErrors } from "../helpers/github-workflow-parser.ts";
import { checkWorkflow, type WorkflowFacts } from "../helpers/workflow-check.ts";
import { harnessCommandLines } from "../helpers/workflow-shell.ts";

type Json = Record<string, unknown>;
const WORKFLOWS = ["pr.yml", "nightly.yml"];

async function workflowText(name: string): Promise<string> {
  return readFile(join(REPO, ".github", "workflows", name), "utf8");
}

describe("the GitHub Actions workflows", function () {
  this.timeout(60_000);
  let facts: WorkflowFacts;

  before(async () => {
    // The keys the shard jobs' matrix really gets: what harness matrix --format github prints.
    const matrix = await harness([
      "matrix",
      "--preset",
      "pr",
      "--shards",
      "4",
      "--format",
      "github",
    ]);
    assert.equal(matrix.exitCode, 0, matrix.stderr);
    const include = (JSON.parse(matrix.stdout) as { include: Json[] }).include;
    assert.equal(include.length, 4);
    const config = await loadConfig(REPO);
    facts = {
      commands: COMMANDS,
      presets: Object.keys(config.presets),
      dynamicMatrixKeys: {
        "plan.matrix": [...new Set(include.flatMap((row) => Object.keys(row)))],
      },
    };
  });

  for (const name of WORKFLOWS) {
    it(`${name}: GitHub's workflow parser finds no error`, async () => {
      assert.deepEqual(await githubWorkflowErrors(name, await workflowText(name)), []);
    });

    it(`${name}: jobs, outputs, matrix keys, variables, artifacts and harness commands all exist`, async () => {
      assert.deepEqual(checkWorkflow(await workflowText(name), facts), []);
    });
  }

  it("pr.yml: runs on pull requests, and its required check merges every shard even after failures", async () => {
    const workflow = parse(await workflowText("pr.yml")) as Json;
    assert.deepEqual(Object.keys(workflow.on as Json), ["pull_request"]);
    const jobs = workflow.jobs as Record<string, Json>;
    const summaries = Object.values(jobs).filter((j) => j.name === "harness/summary");
    assert.equal(summaries.length, 1, "one job is the harness/summary check");
    const summary = summaries[0] as Json;
    assert.deepEqual(summary.needs, ["plan", "shard"]);
    assert.equal(summary.if, "${{ !cancelled() }}", "runs when a shard failed, too");
    assert.deepEqual(subcommands(summary), ["matrix", "merge", "publish"]);
    const publish = (summary.steps as Json[]).find((s) =>
      String(s.run).includes("harness publish"),
    );
    assert.match(
      String(publish?.if),
      /head\.repo\.full_name == github\.repository|SAME_REPO == 'true'/,
      "no publishing from forks",
    );
    const shard = jobs.shard as Json;
    assert.equal((shard.strategy as Json)["fail-fast"], false);
    assert.deepEqual(subcommands(shard), ["run"]);
  });

  it("nightly.yml: runs on a schedule and by hand, and confirms before it compares and reports", async () => {
    const workflow = parse(await workflowText("nightly.yml")) as Json;
    assert.deepEqual(Object.keys(workflow.on as Json).sort(), ["schedule", "workflow_dispatch"]);
    const jobs = workflow.jobs as Record<string, Json>;
    const last = Object.values(jobs).find(
      (j) => String(j.needs) !== "plan" && j.needs !== undefined,
    ) as Json;
    assert.deepEqual(subcommands(last), [
      "matrix",
      "merge",
      "fetch-run",
      "confirm",
      "compare",
      "publish",
      "issues",
    ]);
    assert.deepEqual(last.permissions, { contents: "read", issues: "write" });
  });

  it("both cache the image store and kernels, and npm", async () => {
    for (const name of WORKFLOWS) {
      const text = await workflowText(name);
      for (const path of [".cache/oci", ".cache/kernels", ".cache/debs"])
        assert.match(
          text,
          new RegExp(`^\\s+${path.replace(".", "\\.")}$`, "m"),
          `${name}: ${path}`,
        );
      assert.match(text, /uses: actions\/cache\/restore@v4/);
      assert.match(text, /uses: actions\/cache\/save@v4/);
      assert.match(text, /cache: npm/);
    }
  });

  it("the checks catch what a broken workflow gets wrong", async () => {
    const broken = `name: broken
on: { pull_request: {} }
env:
  SHARDS: "2"
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      matrix: \${{ steps.m.outputs.matrix }}
    steps:
      - id: m
        run: echo "matrix=$(bin/harness matrix --preset pr --shards "$SHARDS" --format github)" >> "$GITHUB_OUTPUT"
  shard:
    needs: plan
    runs-on: ubuntu-latest
    strategy:
      matrix: \${{ fromJSON(needs.plan.outputs.matrix) }}
    steps:
      - run: bin/harness run --preset weekly --shard "\${{ matrix.part }}" --run-id "$RUN_IDD"
      - run: bin/harness merj logs/x
      - run: bin/harness compare a b --jsn out.json
      - uses: actions/upload-artifact@v4
        with: { name: "run-\${{ matrix.index }}", path: logs }
  summary:
    needs: [shard, deploy]
    runs-on: ubuntu-latest
    steps:
      - run: echo \${{ needs.plan.outputs.matrix }} \${{ steps.merge.outputs.x }} \${{ env.NOPE }}
      - uses: actions/download-artifact@v4
        with: { pattern: "shard-*" }
      - run: echo hi
        bogus: true
`;
    const problems = checkWorkflow(broken, facts);
    for (const expected of [
      /summary: needs unknown job "deploy"/,
      /shard: matrix\.part is not a key of its matrix \(shard, index, cells\)/,
      /no preset "weekly" in harness\.yml/,
      /reads \$RUN_IDD, which is set nowhere/,
      /harness merj: no such subcommand/,
      /harness compare: no flag --jsn/,
      /summary: uses needs\.plan but does not need it/,
      /summary: steps\.merge names no step id of this job/,
      /summary: env\.NOPE is set nowhere/,
      /download-artifact shard-\*: no upload-artifact step makes such an artifact/,
    ]) {
      assert.ok(
        problems.some((p) => expected.test(p)),
        `${expected}: in ${JSON.stringify(problems, null, 1)}`,
      );
    }
    assert.equal(problems.length, 10, JSON.stringify(problems, null, 1));
    const parserErrors = await githubWorkflowErrors("broken.yml", broken);
    assert.ok(
      parserErrors.some((e) => /Unexpected value 'bogus'/.test(e)),
      parserErrors.join("\n"),
    );
  });
});

/** The harness subcommands a job's steps run, in order. */
function subcommands(job: Json): string[] {
  return ((job.steps ?? []) as Json[])
    .filter((s) => typeof s.run === "string")
    .flatMap((s) => harnessCommandLines(s.run as string).map((l) => l.subcommand));
}
