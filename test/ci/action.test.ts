// The composite action (action.yml): GitHub's action schema, the project's own checks, and its
// shell steps run here with a fake runner environment, through a real `harness run` of host-script
// cases, to the outputs, the job summary and the failing step a user sees.
import assert from "node:assert/strict";
import { cp, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO, tempDir } from "../helpers/cli.ts";
import { githubActionErrors } from "../helpers/github-workflow-parser.ts";
import { checkAction } from "./action-check.ts";
import { runActionSteps } from "./action-steps.ts";

const CASES = join(REPO, "test", "fixtures", "diagnostic-cases");

async function actionText(): Promise<string> {
  return readFile(join(REPO, "action.yml"), "utf8");
}

async function runAction(inputs: Record<string, string>) {
  const workspace = await tempDir("harness-action-ws-");
  const runnerTemp = await tempDir("harness-action-runner-");
  await mkdir(join(workspace, "cases"));
  await cp(CASES, join(workspace, "cases"), { recursive: true });
  return runActionSteps(await actionText(), {
    actionPath: REPO,
    workspace,
    runnerTemp,
    inputs: { setup: "false", ...inputs },
    baseEnv: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: runnerTemp,
      GITHUB_ACTIONS: "true",
      CI: "true",
      GITHUB_RUN_ID: "4242",
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_JOB: "test",
    },
  }).then((run) => ({ ...run, workspace, runnerHome: runnerTemp }));
}

describe("the composite action", function () {
  this.timeout(120_000);

  it("action.yml: GitHub's action parser finds no error", async () => {
    assert.deepEqual(await githubActionErrors("action.yml", await actionText()), []);
  });

  it("action.yml: composite, shells named, inputs through env, every reference exists", async () => {
    assert.deepEqual(checkAction(await actionText()), []);
  });

  it("the checks catch what a broken action gets wrong", async () => {
    const broken = `name: broken
runs:
  using: node20
  steps:
    - run: echo "\${{ inputs.cases }}"
    - uses: actions/cache
    - id: late
      shell: bash
      run: echo "$X"
      env:
        X: \${{ inputs.nope }} \${{ steps.later.outputs.y }}
outputs:
  dir:
    value: \${{ steps.run.outputs.dir }}
inputs:
  cases:
    default: cases
`;
    assert.deepEqual(checkAction(broken), [
      "no description",
      "runs.using is node20, not composite",
      "step 1: a run step without shell",
      "step 1: an expression inside the script (pass it through env)",
      "step 2: uses actions/cache is not pinned to a version",
      "step 3: inputs.nope is not an input",
      "step 3: steps.later names no earlier step id",
      "output dir: steps.run names no step id",
      "input cases: no description",
    ]);
    const parserErrors = await githubActionErrors("broken.yml", broken);
    assert.ok(
      parserErrors.some((e) => /Required property is missing: description/.test(e)),
      parserErrors.join("\n"),
    );
  });

  it("runs a failing case through its steps: outputs, job summary, a failing last step", async () => {
    const run = await runAction({ cases: "cases", patterns: "maths.answer" });
    const ran = run.steps.map((s) => `${s.ran ? "ran" : "skipped"} ${s.name}`);
    assert.deepEqual(ran, [
      "skipped actions/setup-node@v4",
      "ran Install the harness",
      "skipped Set up the host",
      "skipped Restore kernels and images",
      "ran Run the cases",
      "ran Write the job summary",
      "skipped Upload the run folder",
      "ran Fail when the run did not pass",
    ]);
    const runStep = run.steps.find((s) => s.name === "Run the cases");
    assert.equal(runStep?.exitCode, 0, runStep?.output);
    assert.match(runStep?.output ?? "", /^harness run gh-4242-1-test-\d+: 1 cell/m);
    assert.match(runStep?.output ?? "", /::group::fail: answer\n/);
    assert.deepEqual(
      {
        status: run.outputs.status,
        exitCode: run.outputs["exit-code"],
        cells: run.outputs.cells,
        passed: run.outputs.passed,
        failed: run.outputs.failed,
        errors: run.outputs.errors,
      },
      { status: "failed", exitCode: "1", cells: "1", passed: "0", failed: "1", errors: "0" },
    );
    assert.equal((JSON.parse(run.outputs.counts ?? "{}") as { fail?: number }).fail, 1);
    assert.match(run.outputs["run-dir"] ?? "", /^logs\/gh-4242-1-test-\d+$/);
    const record = JSON.parse(
      await readFile(join(run.workspace, run.outputs["run-dir"] ?? "", "run.json"), "utf8"),
    ) as { cells: { id: string }[] };
    assert.equal(record.cells[0]?.id, "maths.answer/qemu-x86_64-debian-6.1-cloud");
    assert.match(run.summary, /maths\.answer/, "the job summary is the run's summary.md");
    assert.equal(run.env.HARNESS_CACHE, join(run.runnerHome, ".cache", "harness"));
    const last = run.steps.at(-1);
    assert.equal(last?.exitCode, 1, "the action fails like the run");
    assert.match(last?.output ?? "", /::error title=harness::the run failed \(exit code 1\)/);
  });

  it("passes, and says so in its outputs, when every cell passes", async () => {
    const run = await runAction({
      cases: "cases",
      patterns: "maths.sums",
      "extra-args": "--retries 1",
      arches: "x86_64",
      "run-id": "given",
    });
    assert.deepEqual(
      [run.outputs.status, run.outputs["exit-code"], run.outputs.passed, run.outputs["run-dir"]],
      ["passed", "0", "1", "logs/given"],
    );
    assert.equal(run.steps.at(-1)?.ran, false, "no failing step after a pass");
    const record = JSON.parse(
      await readFile(join(run.workspace, "logs", "given", "run.json"), "utf8"),
    ) as { inputs: { retries: number; arches: string[] } };
    assert.deepEqual([record.inputs.retries, record.inputs.arches], [1, ["x86_64"]]);
  });

  it("does not fail the step when told not to", async () => {
    const run = await runAction({ patterns: "maths.answer", "fail-on-failure": "false" });
    assert.equal(run.outputs.status, "failed");
    assert.equal(run.steps.at(-1)?.ran, false);
  });
});
