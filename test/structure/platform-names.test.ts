// Platforms are plug-ins: the code every platform shares (drivers, the run loop, results, reports,
// cases, the matrix, publishing, the command line and harness.yml) names none of them. What differs
// between platforms is a property of the platform (its command file, its log, whether its console
// takes input, its flags and harness.yml section), not a branch on a name.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { serialDriver } from "../../harness/drivers/serial/index.ts";
import type { DrivenCase } from "../../harness/drivers/types.ts";
import { PLATFORMS } from "../../platforms/index.ts";
import { writeFile } from "node:fs/promises";
import { loadConfig } from "../../harness/config/load.ts";
import { REPO, harness, tempDir } from "../helpers/cli.ts";

const SHARED = [
  "drivers",
  "run",
  "results",
  "report",
  "cases",
  "matrix",
  "publish",
  "cli",
  "config",
];

/** Every .ts file under `dir`. */
async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name));
}

/** The code of a TypeScript file without its comments (strings kept). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

describe("platform names in shared code", () => {
  it("the shared folders name no platform and no platform's files or error codes", async () => {
    const names = PLATFORMS.map((p) => p.name).filter((n) => n !== "remote");
    const pattern = new RegExp(`\\b(${names.join("|")}|E(${names.join("|").toUpperCase()}))\\b`);
    const found: string[] = [];
    let scanned = 0;
    for (const folder of SHARED) {
      for (const file of await sources(join(REPO, "harness", folder))) {
        scanned++;
        const lines = withoutComments(await readFile(file, "utf8")).split("\n");
        lines.forEach((line, i) => {
          if (pattern.test(line)) found.push(`${relative(REPO, file)}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    assert.ok(scanned > 100, `only ${scanned} files scanned`);
    assert.deepEqual(found, []);
  });

  it("the check finds a platform name in code, and not in a comment", () => {
    const code = withoutComments('// on qemu\nconst hint = "see qemu.stderr"; /* gcp */\n');
    assert.match(code, /qemu\.stderr/);
    assert.doesNotMatch(code, /on qemu|gcp/);
  });

  it("a driver asks the platform whether its console takes input, not for its name", () => {
    const steps: DrivenCase = {
      name: "c",
      driverOptions: [{ name: "prompt", expect: "login: ", timeoutMs: 1000, at: "case.yml" }],
    };
    const refusals = Object.fromEntries(
      PLATFORMS.map((p) => [p.name, serialDriver.unsupported?.(steps, p)]),
    );
    assert.match(refusals.gcp ?? "", /^scripted console steps cannot run on gcp: Compute Engine/);
    assert.equal(refusals.qemu, undefined);
    assert.equal(
      serialDriver.unsupported?.(steps, { name: "custom", noConsoleInput: "write-only UART" }),
      "scripted console steps cannot run on custom: write-only UART",
    );
  });

  it("a platform's flags and harness.yml section come from the platform", async () => {
    const stray = await harness([
      "run",
      "--platform",
      "qemu",
      "--gcp-project",
      "p",
      "--cases",
      REPO,
    ]);
    assert.equal(stray.exitCode, 2);
    assert.match(stray.stderr, /--gcp-project is for --platform gcp, which this run does not use/);
    const dir = await tempDir("harness-sections-");
    await writeFile(
      join(dir, "harness.yml"),
      "gcp:\n  project: p1\n  zone: z\nrunners:\n  - host: ci@box\n",
    );
    const config = await loadConfig(dir);
    assert.deepEqual(config.sections.gcp, { project: "p1", zone: "z" });
    assert.equal((config.sections.runners as { host: string }[])[0]?.host, "box");
    await writeFile(join(dir, "harness.yml"), "gcp:\n  projekt: p1\n");
    await assert.rejects(loadConfig(dir), /projekt/);
  });
});
