import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { FIXTURES, harness, tempDir } from "../helpers/cli.ts";
import { startBrowser, type Browser } from "./browser.ts";

const KTAP_FAIL = "fixtures.tap.ktap_fail/qemu-x86_64-debian-6.1-cloud";

/** The grid box of a cell, found by its case. */
function cellBox(caseName: string): string {
  return `tr.case[data-case="${caseName}"] a.cell`;
}

describe("the HTML report of a run, in headless Chromium", function () {
  this.timeout(180_000);
  let runDir: string;
  let shots: string;
  let browser: Browser;
  let exitCode: number | undefined;

  before(async () => {
    const logs = await tempDir("harness-report-");
    shots = await tempDir("harness-report-shots-");
    const run = await harness([
      "run",
      ...["--cases", FIXTURES, "--platform", "qemu", "--logs", logs, "--run-id", "r1"],
    ]);
    exitCode = run.exitCode;
    runDir = join(logs, "r1");
    browser = await startBrowser();
    await browser.page.goto(pathToFileURL(join(runDir, "index.html")).href);
  });

  after(async () => {
    await browser?.close();
  });

  it("is written by every run as one self-contained file", async () => {
    assert.equal(exitCode, 1);
    const text = await readFile(join(runDir, "index.html"), "utf8");
    assert.doesNotMatch(text, /(src|href)="(https?:)?\/\//, "no external resources");
    const policy = await browser.page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute("content");
    assert.match(policy ?? "", /^default-src 'none';/, "the page may not fetch anything");
  });

  it("shows the grid with the right counts", async () => {
    const { page } = browser;
    const count = (status: string) => page.locator(`.toolbar .chip.s-${status} .count`).innerText();
    assert.equal(await count("pass"), "4");
    assert.equal(await count("fail"), "5");
    assert.equal(await count("timeout"), "1");
    assert.equal(await count("cancel"), "1");
    assert.equal(await count("skip"), "1");
    assert.equal(await page.locator("a.cell").count(), 12);
    assert.equal(await page.locator("a.cell.s-fail").count(), 5);
    assert.equal(await page.locator("tr.case").count(), 12);
    assert.match(await page.locator("header .verdict").innerText(), /FAILED — 12 cells, 6 failing/);
  });

  it("shows a failing cell's TAP lines and the console around the failure when clicked", async () => {
    const { page } = browser;
    assert.equal(await page.locator(".detail").first().isVisible(), false, "details start hidden");
    await page.click(cellBox("fixtures.tap.ktap_fail"));
    const detail = page.locator(".detail:target");
    assert.equal(await detail.getAttribute("data-id"), KTAP_FAIL);
    assert.ok(await detail.isVisible());
    const marked = await detail.locator("pre.log .mark").allInnerTexts();
    assert.ok(
      marked.some((line) => /7\s+not ok 2 slow_case # TIMEOUT 30s/.test(line)),
      `marked lines: ${JSON.stringify(marked)}`,
    );
    assert.match(await detail.innerText(), /console\.log around line 7/);
    assert.match(
      await detail.locator("pre.command").innerText(),
      /^npx harness run fixtures\.tap\.ktap_fail --platform qemu --arch x86_64/,
    );
    assert.equal(await page.locator("a.cell.selected").count(), 1);
    await page.screenshot({ path: join(shots, "failing-cell.png"), fullPage: true });
  });

  it("links to the cell's log files, relative to the report", async () => {
    const { page } = browser;
    const links = await page.locator(".detail:target .logs a").all();
    const hrefs = await Promise.all(links.map(async (a) => (await a.getAttribute("href")) ?? ""));
    assert.deepEqual(hrefs, [`cells/${KTAP_FAIL}/console.log`, `cells/${KTAP_FAIL}/results.tap`]);
    for (const href of hrefs) assert.ok((await stat(join(runDir, href))).isFile(), href);
  });

  it("shows the last console output of a cell that hung", async () => {
    const { page } = browser;
    await page.click(cellBox("fixtures.outcomes.hang"));
    const detail = page.locator(".detail:target");
    assert.match(await detail.innerText(), /the last output before the deadline/);
    assert.match(await detail.locator("pre.log").innerText(), /1\s+hanging/);
  });

  it("filters cells by status and by text", async () => {
    const { page } = browser;
    await page.click(".toolbar .chip.s-pass");
    assert.equal(await page.locator("a.cell:visible").count(), 8);
    await page.fill("#filter", "bail");
    assert.equal(await page.locator("a.cell:visible").count(), 1);
    assert.equal(await page.locator("tr.case:visible").count(), 1);
    assert.equal(await page.locator("#shown").innerText(), "showing 1 of 12 cells");
    await page.click("#show-all");
    assert.equal(await page.locator("a.cell:visible").count(), 12);
  });

  it("asks for nothing but its own file", () => {
    assert.ok(browser.requests.length > 0);
    for (const url of browser.requests) assert.match(url, /^file:\/\/.*\/index\.html(#.*)?$/);
  });

  it("saves a screenshot", async () => {
    const file = join(shots, "report.png");
    await browser.page.evaluate("window.scrollTo(0, 0)");
    await browser.page.screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG file");
    assert.ok(png.length > 20_000, `screenshot of ${png.length} bytes`);
  });
});
