// The GitHub Actions workflows, checked without running them: GitHub's own workflow parser finds
// no schema or expression errors, and the project's checks find every job, output, matrix key,
// variable, artifact, harness subcommand, flag and preset they use; the reusable workflow and the
// callers the README shows fit each other and the action.
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
const WORKFLOWS = ["pr.yml", "nightly.yml", "harness-matrix.yml"];
const REUSABLE = "harness-matrix.yml";

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
    assert.deepEqual(Object.keys(workflow.on as Json), ["pull_request", "workflow_call"]);
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
    assert.deepEqual(Object.keys(workflow.on as Json).sort(), [
      "schedule",
      "workflow_call",
      "workflow_dispatch",
    ]);
    const jobs = workflow.jobs as Record<string, Json>;
    const last = Object.values(jobs).find(
      (j) => String(j.needs) !== "plan" && j.needs !== undefined,
    ) as Json;
    assert.deepEqual(subcommands(last), [
      "matrix",
      "merge",
      "confirm",
      "compare",
      "publish",
      "issues",
    ]);
    assert.deepEqual(last.permissions, { contents: "read", issues: "write" });
  });

  for (const name of ["pr.yml", "nightly.yml"]) {
    it(`${name}: callable from another repository, every job running the harness it names`, async () => {
      const workflow = parse(await workflowText(name)) as Json;
      const call = (workflow.on as Json).workflow_call as Json;
      assert.ok(call, "on: workflow_call");
      for (const input of ["harness-repository", "harness-ref", "cases", "preset", "shards"])
        assert.ok(input in (call.inputs as Json), `input ${input}`);
      const env = workflow.env as Record<string, string>;
      assert.match(
        env.HARNESS_REPOSITORY ?? "",
        /inputs\.harness-repository \|\| github\.repository/,
      );
      assert.match(env.CASES ?? "", /inputs\.cases/);
      for (const [id, job] of Object.entries(workflow.jobs as Record<string, Json>)) {
        const steps = job.steps as Json[];
        const scripts = steps
          .filter((st) => typeof st.run === "string")
          .map((st) => st.run as string);
        if (!scripts.some((r) => harnessCommandLines(r).length > 0)) continue;
        const harnessCheckout = steps.find(
          (st) => (st.with as Json | undefined)?.path === ".harness",
        );
        assert.deepEqual(
          harnessCheckout?.with,
          {
            repository: "${{ env.HARNESS_REPOSITORY }}",
            ref: "${{ env.HARNESS_REF }}",
            path: ".harness",
          },
          `${id}: the harness checked out beside the caller's code`,
        );
        for (const script of scripts) {
          assert.doesNotMatch(
            script,
            /(^|[^\w./])(\.\/)?(bin\/harness|setup)\b(?![.-])/m,
            `${id}: the caller's bin/harness or setup: ${script}`,
          );
          for (const line of harnessCommandLines(script).filter((l) =>
            ["matrix", "run"].includes(l.subcommand),
          ))
            assert.ok(line.flags.includes("--cases"), `${id}: ${line.subcommand} without --cases`);
        }
      }
    });
  }

  it(`${REUSABLE}: callable, each shard runs the repository's action, one job merges them all`, async () => {
    const workflow = parse(await workflowText(REUSABLE)) as Json;
    assert.deepEqual(Object.keys(workflow.on as Json), ["workflow_call"]);
    const jobs = workflow.jobs as Record<string, Json>;
    const summary = jobs.summary as Json;
    assert.equal(summary.name, "${{ inputs.check }}");
    assert.deepEqual(summary.needs, ["plan", "shard"]);
    assert.equal(summary.if, "${{ !cancelled() }}", "runs when a shard failed, too");
    assert.deepEqual(subcommands(summary), ["matrix", "merge"]);
    assert.equal(((jobs.shard as Json).strategy as Json)["fail-fast"], false);
    const actionInputs = Object.keys(
      (parse(await readFile(join(REPO, "action.yml"), "utf8")) as Json).inputs as Json,
    );
    const local = ((jobs.shard as Json).steps as Json[]).filter((s) => s.uses === "./.harness");
    assert.equal(local.length, 1, "the shard runs the action from the harness checkout");
    const given = Object.keys(local[0]?.with as Json);
    assert.deepEqual(
      given.filter((key) => !actionInputs.includes(key)),
      [],
      "every with: key is an input of action.yml",
    );
    for (const job of Object.values(jobs)) {
      const checkout = (job.steps as Json[]).find((s) => (s.with as Json | undefined)?.path);
      assert.equal((checkout?.with as Json).path, ".harness", "the harness is checked out apart");
    }
  });

  it("the README's callers fit the reusable workflow and stay about ten lines", async () => {
    const docs = await readFile(join(REPO, "README.md"), "utf8");
    const callers = [
      ...docs.matchAll(/```yaml\n(# \.github\/workflows\/[^\n]+\n[\s\S]*?)```/g),
    ].map((m) => m[1] as string);
    assert.equal(callers.length, 2, "a PR gate and a nightly run");
    const reusable = parse(await workflowText(REUSABLE)) as Json;
    const inputs = ((reusable.on as Json).workflow_call as Json).inputs as Record<string, Json>;
    const required = Object.keys(inputs).filter((key) => inputs[key]?.required === true);
    for (const caller of callers) {
      assert.deepEqual(await githubWorkflowErrors("caller.yml", caller), []);
      const job = Object.values((parse(caller) as Json).jobs as Record<string, Json>)[0] as Json;
      assert.match(String(job.uses), new RegExp(`/\\.github/workflows/${REUSABLE}@`));
      const given = Object.keys(job.with as Json);
      assert.deepEqual(
        given.filter((key) => !(key in inputs)),
        [],
        "only inputs it has",
      );
      assert.deepEqual(
        required.filter((key) => !given.includes(key)),
        [],
        "every required one",
      );
      assert.ok(caller.trim().split("\n").length <= 16, caller);
    }
  });

  it("both cache the image store and kernels, and npm", async () => {
    for (const name of WORKFLOWS.filter((n) => n !== REUSABLE)) {
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
      - run: bin/harness run --preset fortnightly --shard "\${{ matrix.part }}" --run-id "$RUN_IDD"
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
      /no preset "fortnightly" in harness\.yml/,
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
