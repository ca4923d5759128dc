import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ProgressEvent } from "../../harness/report/progress/json.ts";
import { REPO, harness, tempDir } from "../helpers/cli.ts";

const IMAGE_CASES = join(REPO, "test", "fixtures", "image-cases");

describe("live stages and the report of a real guest that panics (TCG)", function () {
  this.timeout(600_000);
  let events: ProgressEvent[];
  let runDir: string;

  before(async () => {
    const logs = await tempDir("harness-vm-report-");
    const result = await harness([
      "run",
      "vm.panic",
      ...["--cases", IMAGE_CASES, "--platform", "qemu", "--arch", "x86_64"],
      ...["--logs", logs, "--run-id", "vm", "--json"],
    ]);
    assert.equal(result.exitCode, 3, result.stderr);
    events = result.stdout.split("\n").map((line) => JSON.parse(line) as ProgressEvent);
    runDir = join(logs, "vm");
  });

  it("reports each phase and each boot stage the console reached, in order", () => {
    const stages = events.flatMap((e) => (e.event === "cell-stage" ? [e.stage] : []));
    assert.deepEqual(stages, [
      "build",
      "boot",
      "firmware",
      "kernel",
      "init",
      "test",
      "drive",
      "teardown",
    ]);
    assert.equal(events.at(-1)?.event, "run-finish");
  });

  it("shows the console lines around the panic, the panic marked", async () => {
    const page = await readFile(join(runDir, "index.html"), "utf8");
    // Centred on the panic's time on the console when it is known, else on its first line.
    assert.match(page, /console\.log around (line \d+|\+[\d.]+s, when [^<]*\(line \d+\))/);
    assert.match(
      page,
      /<span class="line mark"\s*><i>\s*\d+<\/i> \[\+\s*[\d.]+\] \[\s*[\d.]+\] Kernel panic - not syncing: sysrq triggered crash<\/span/,
    );
    assert.match(page, /Boot stages \(from the machine's start\)/);
  });
});
