// A failing check's own words (its TAP comment and YAML lines) reach every place a person looks:
// the terminal, run.json, junit.xml and index.html; the terminal starts with where the run goes and
// ends with the report to open.
import assert from "node:assert/strict";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { harness, REPO, tempDir } from "../helpers/cli.ts";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { startBrowser, type Browser } from "./browser.ts";

const CASES = join(REPO, "test", "fixtures", "diagnostic-cases");

async function runDiagnostics(env: Record<string, string> = {}, pattern = "maths.answer") {
  const logs = await tempDir("harness-glance-");
  const result = await harness(
    ["run", pattern, "--cases", CASES, "--platform", "qemu", "--logs", logs, "--run-id", "g"],
    { env },
  );
  return { ...result, runDir: join(logs, "g") };
}

describe("failures readable at a glance", function () {
  this.timeout(60_000);
  let run: Awaited<ReturnType<typeof runDiagnostics>>;
  before(async () => {
    run = await runDiagnostics();
  });

  it("prints the run's header first and names index.html last", () => {
    const lines = run.stdout.trimEnd().split("\n");
    assert.equal(run.exitCode, 1);
    assert.match(lines[0] ?? "", /^harness run g: 1 cell, .*logs in \S+\/g$/);
    assert.match(lines.at(-1) ?? "", /^1 cell: 0 passed, 1 failed in \S+ — \S+\/g\/index\.html$/);
  });

  it("shows the failing test's diagnostics under its fail line", () => {
    assert.match(
      run.stdout,
      /^ {10}fail: answer\n {12}# expected 42, got 41\n {12} {2}---\n {12} {2}message: the answer is off by one\n/m,
    );
  });

  it("records the diagnostics in run.json", async () => {
    const record = JSON.parse(await readFile(join(run.runDir, "run.json"), "utf8")) as RunRecord;
    const answer = record.cells[0]?.tests.find((t) => t.name === "answer");
    assert.deepEqual(answer?.diagnostics, [
      "# expected 42, got 41",
      "  ---",
      "  message: the answer is off by one",
      "  found: 41",
      "  wanted: 42",
      "  ...",
    ]);
    assert.equal(answer?.line, 4);
  });

  it("puts the diagnostics in junit.xml's failure of that test", async () => {
    const xml = await readFile(join(run.runDir, "junit.xml"), "utf8");
    const testcase = /<testcase [^>]*name="answer"[^>]*>([\s\S]*?)<\/testcase>/.exec(xml);
    assert.ok(testcase, xml);
    assert.match(testcase[1] ?? "", /<failure [^>]*message="# expected 42, got 41"/);
    assert.match(testcase[1] ?? "", /message: the answer is off by one/);
  });

  it("shows the diagnostics in index.html beside the failing test", async () => {
    const page = await readFile(join(run.runDir, "index.html"), "utf8");
    assert.match(page, /<pre class="diagnostics">[^<]*# expected 42, got 41/);
    assert.match(page, /message: the answer is off by one/);
  });

  it("folds each failing cell's details into a group on GitHub Actions", async () => {
    const gh = await runDiagnostics({ GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: CASES });
    assert.match(
      gh.stdout,
      /^FAIL .*maths\.answer\/\S+\n::group::fail: answer\n {10}fail: answer\n {12}# expected 42, got 41\n[\s\S]*?reproduce: [^\n]+\n::endgroup::\n/m,
    );
  });

  describe("in a browser", function () {
    this.timeout(120_000);
    let browser: Browser;
    before(async () => {
      browser = await startBrowser();
    });
    after(async () => {
      await browser?.close();
    });

    it("opens the only failure, scrolled into view, with its diagnostic", async () => {
      const { page } = browser;
      await page.goto(pathToFileURL(join(run.runDir, "index.html")).href);
      const detail = page.locator("section.detail", { hasText: "maths.answer" });
      assert.ok(await detail.isVisible(), "the failing cell's details are shown");
      assert.ok(
        await detail.locator("pre.diagnostics", { hasText: "expected 42, got 41" }).isVisible(),
      );
      assert.equal(await page.locator(".details .placeholder").isVisible(), false);
      // boundingBox() is relative to the viewport: near 0 once the page scrolled to the details.
      const top = (await detail.boundingBox())?.y ?? -1;
      assert.ok(top >= 0 && top < 200, `the details are scrolled to the top (at ${top}px)`);
      // Screenshots of the report for the docs: HARNESS_DOCS_SCREENSHOTS=1 refreshes the checked-in one.
      const shots = await tempDir("harness-glance-shots-");
      const file = join(shots, "one-failure.png");
      await page.screenshot({ path: file });
      if (process.env.HARNESS_DOCS_SCREENSHOTS === "1") {
        await mkdir(join(REPO, "docs", "report-example"), { recursive: true });
        await copyFile(file, join(REPO, "docs", "report-example", "one-failure.png"));
      }
    });

    it("opens nothing when more than one cell failed", async () => {
      const two = await runDiagnostics({}, "maths");
      assert.match(two.stdout, /2 failed/);
      const { page } = browser;
      await page.goto(pathToFileURL(join(two.runDir, "index.html")).href);
      assert.equal(await page.locator("section.detail:visible").count(), 0);
      assert.ok(await page.locator(".details .placeholder").isVisible());
    });
  });
});
