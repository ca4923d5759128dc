import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { writeHtmlReport } from "../../harness/report/html/write.ts";
import { harness, tempDir } from "../helpers/cli.ts";
import { startBrowser, type Browser } from "./browser.ts";
import { cellOf, recordOf, runOf } from "./records.ts";

const HOSTILE = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`;

describe("the HTML report with a baseline, and with hostile log text", function () {
  this.timeout(120_000);
  let browser: Browser;

  before(async () => {
    browser = await startBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  it("shows text from logs and cases as text, never as markup", async () => {
    const runDir = await tempDir("harness-hostile-");
    const evil = cellOf(`evil"><b>case`);
    const cellDir = join(runDir, "cells", evil.id);
    await mkdir(cellDir, { recursive: true });
    await writeFile(
      join(cellDir, "console.log"),
      `booting\n</pre>${HOSTILE}\nKernel panic - not syncing: ${HOSTILE}\n`,
    );
    const run = runOf("hostile", [recordOf(evil, "error", { reasons: [`died: ${HOSTILE}`] })]);
    await writeHtmlReport(runDir, run);
    const { page } = browser;
    await page.goto(pathToFileURL(join(runDir, "index.html")).href);
    await page.click("a.cell");
    const detail = page.locator(".detail:target");
    assert.match(await detail.locator(".reasons").innerText(), /died: <img src=x onerror=/);
    assert.match(await detail.locator("pre.log .mark").innerText(), /Kernel panic.*<script>/);
    assert.match(await detail.locator("h2").innerText(), /evil"><b>case/);
    assert.doesNotMatch(await page.title(), /pwned/);
    assert.equal(
      await page.locator("img, b:not(.tag):not(.badge)").count(),
      1,
      "only the verdict's <b>",
    );
  });

  it("marks new failures and fixes, in the page, the summary and the command's output", async () => {
    const base = await tempDir("harness-base-");
    const current = await tempDir("harness-current-");
    const [broke, fixed, same] = [cellOf("broke"), cellOf("fixed"), cellOf("same")];
    const write = (dir: string, run: ReturnType<typeof runOf>) =>
      writeFile(join(dir, "run.json"), JSON.stringify(run));
    await write(
      base,
      runOf("base", [recordOf(broke, "pass"), recordOf(fixed, "fail"), recordOf(same, "fail")]),
    );
    await write(
      current,
      runOf("now", [recordOf(broke, "timeout"), recordOf(fixed, "pass"), recordOf(same, "fail")]),
    );
    const result = await harness(["report", current, "--baseline", base]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /compared with base: 1 new failure, 1 fix$/m);
    const summary = await readFile(join(current, "summary.md"), "utf8");
    assert.match(summary, /new failure: `broke\/qemu-x86_64-debian-6\.1-cloud` \(timeout\)/);
    assert.match(summary, /fixed: `fixed\/qemu-x86_64-debian-6\.1-cloud`/);
    const { page } = browser;
    await page.goto(pathToFileURL(join(current, "index.html")).href);
    assert.equal(
      await page.locator('tr.case[data-case="broke"] a.cell.new-failure .tag').innerText(),
      "NEW",
    );
    assert.equal(
      await page.locator('tr.case[data-case="fixed"] a.cell.fixed .tag').innerText(),
      "FIXED",
    );
    assert.equal(await page.locator('tr.case[data-case="same"] a.cell .tag').count(), 0);
    await page.click(".toolbar .chip.changed");
    assert.equal(await page.locator("a.cell:visible").count(), 2);
    await page.click('tr.case[data-case="broke"] a.cell');
    assert.match(
      await page.locator(".detail:target .change").innerText(),
      /New failure: this cell was pass/,
    );
  });

  it("annotates the failing case files in GitHub Actions", async () => {
    const workspace = await tempDir("harness-workspace-");
    await mkdir(join(workspace, "cases", "broke"), { recursive: true });
    const caseFile = join(workspace, "cases", "broke", "test.sh");
    await writeFile(caseFile, `#!/bin/sh\necho "1..1"\necho "not ok 1 - mounts, tmpfs"\n`);
    const broke = cellOf("broke");
    const run = runOf("gh", [
      recordOf(broke, "fail", {
        caseFile,
        reasons: ["fail: mounts, tmpfs", "50% done"],
        tests: [
          { id: 1, name: "mounts, tmpfs", path: ["mounts, tmpfs"], outcome: "fail", children: [] },
        ],
      }),
      recordOf(cellOf("fine"), "pass"),
    ]);
    await writeFile(join(workspace, "run.json"), JSON.stringify(run));
    const result = await harness(["report", workspace], {
      env: { GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: workspace },
    });
    const commands = result.stdout.split("\n").filter((line) => line.startsWith("::"));
    assert.deepEqual(commands, [
      "::error file=cases/broke/test.sh,line=3,title=fail%3A broke/qemu-x86_64-debian-6.1-cloud::fail: mounts, tmpfs%0A50%25 done%0Areproduce: npx harness run broke --platform qemu",
    ]);
  });

  it("says what is wrong when the run folder has no run.json", async () => {
    const empty = await tempDir("harness-empty-");
    const result = await harness(["report", empty]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /run\.json does not exist .*\[ERUNDIR\]\n {2}give a run folder/);
  });
});
