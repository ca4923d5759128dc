import assert from "node:assert/strict";
import { chmod, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { execa } from "execa";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildCliBundle } from "../../harness/cli/bundle/build.ts";
import {
  freshManifest,
  recordFailure,
  standingFailure,
  type BundleManifest,
} from "../../harness/cli/bundle/manifest.ts";
import { sourceMappedStack } from "../../harness/cli/bundle/stack.ts";
import { FIXTURES, REPO, harness, tempDir } from "../helpers/cli.ts";

// Children of this process whose command is esbuild's service.
async function esbuildChildren(): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await readdir("/proc")) {
    const stat = await readFile(`/proc/${pid}/stat`, "latin1").catch(() => "");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (stat.includes("(esbuild)") && Number(fields[1]) === process.pid) pids.push(Number(pid));
  }
  return pids;
}

// esbuild's children once they are gone, or those still there after waitMs: stop() only
// signals the service, which then exits and is reaped a moment later.
async function esbuildChildrenAfter(waitMs: number): Promise<number[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const pids = await esbuildChildren();
    if (pids.length === 0 || Date.now() > deadline) return pids;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function readManifest(dir: string): Promise<BundleManifest> {
  return JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as BundleManifest;
}

describe("the CLI bundle", () => {
  let dir: string;
  let manifest: BundleManifest;

  before(async () => {
    dir = await tempDir("harness-bundle-");
    manifest = await buildCliBundle(REPO, dir);
  });

  it("records every source it was built from, and stops esbuild afterwards", async () => {
    const inputs = Object.keys(manifest.inputs);
    for (const source of [
      "harness/cli/main.ts",
      "harness/run/cell-runner.ts",
      "platforms/qemu/index.ts",
    ])
      assert.ok(inputs.includes(source), `${source} missing from ${inputs.length} inputs`);
    assert.ok(inputs.includes("node_modules/.package-lock.json"));
    assert.ok(!inputs.some((path) => path.includes("node_modules/execa")), "packages by lock file");
    assert.deepEqual(await readManifest(dir), manifest);
    assert.deepEqual(await esbuildChildrenAfter(5000), []);
  });

  it("gives up on a build past its deadline, leaving no bundle and no esbuild behind", async () => {
    const own = await tempDir("harness-bundle-overdue-");
    await assert.rejects(buildCliBundle(REPO, own, 1), /took over 1 ms; stopped it/);
    assert.deepEqual(await readdir(own).catch(() => []), []);
    assert.deepEqual(await esbuildChildrenAfter(5000), []);
  });

  it("is fresh only while the sources, the root, the format and Node are as they were", async () => {
    assert.ok(freshManifest(REPO, dir));
    const [path, [mtimeMs, size]] = Object.entries(manifest.inputs)[0] as [
      string,
      [number, number],
    ];
    const variants: [string, BundleManifest][] = [
      [
        "a source's time",
        { ...manifest, inputs: { ...manifest.inputs, [path]: [mtimeMs - 1, size] } },
      ],
      [
        "a source's size",
        { ...manifest, inputs: { ...manifest.inputs, [path]: [mtimeMs, size + 1] } },
      ],
      ["a source gone", { ...manifest, inputs: { ...manifest.inputs, "harness/gone.ts": [1, 1] } }],
      ["the root", { ...manifest, root: join(REPO, "elsewhere") }],
      ["the format", { ...manifest, format: manifest.format + 1 }],
      ["Node", { ...manifest, node: "v1.0.0" }],
    ];
    const other = await tempDir("harness-bundle-stale-");
    for (const [what, variant] of variants) {
      await writeFile(join(other, "manifest.json"), JSON.stringify(variant));
      assert.equal(freshManifest(REPO, other), undefined, what);
    }
  });

  it("is what bin/harness runs while fresh, and rebuilt when a source changed", async () => {
    const own = await tempDir("harness-bundle-launch-");
    const env = { HARNESS_CLI_BUNDLE_DIR: own };
    const args = ["list", "--cases", FIXTURES, "--json"];
    const fromSource = await harness(args, { env: { HARNESS_BUNDLE: "0" } });
    assert.equal(fromSource.exitCode, 0, fromSource.stderr);
    // The first command builds the bundle; its output is the sources' output.
    const first = await harness(args, { env });
    assert.equal(first.exitCode, 0, first.stderr);
    assert.equal(first.stdout, fromSource.stdout);
    const built = await readManifest(own);
    // A fresh bundle is run as it is: a marked entry proves the launcher took it.
    await writeFile(join(own, built.entry), 'process.stdout.write("marked bundle\\n");\n');
    assert.equal((await harness(args, { env })).stdout, "marked bundle");
    assert.notEqual(
      (await harness(args, { env: { ...env, HARNESS_BUNDLE: "0" } })).stdout,
      "marked bundle",
    );
    // A source stamped differently from the build makes the next command build anew.
    const [path, [mtimeMs, size]] = Object.entries(built.inputs)[0] as [string, [number, number]];
    const stale = { ...built, inputs: { ...built.inputs, [path]: [mtimeMs - 1000, size] } };
    await writeFile(join(own, "manifest.json"), JSON.stringify(stale));
    const rebuilt = await harness(args, { env });
    assert.equal(rebuilt.stdout, fromSource.stdout);
    assert.notEqual((await readManifest(own)).entry, built.entry);
  });

  it("after a failed build runs the sources without building again, and says why in doctor", async () => {
    const own = await tempDir("harness-bundle-failed-");
    const env = { HARNESS_CLI_BUNDLE_DIR: own };
    const args = ["list", "--cases", FIXTURES, "--json"];
    const failure = Object.assign(new Error("Build failed with 1 error\nsecond line"), {
      errors: [{ location: { file: "harness/cli/new-module.ts" } }],
    });
    recordFailure(REPO, own, failure);
    const recorded = standingFailure(REPO, own);
    assert.equal(recorded?.reason, "Build failed with 1 error");
    assert.ok(recorded.inputs["node_modules/.package-lock.json"], "npm's packages are watched");
    assert.ok(!("harness/cli/new-module.ts" in recorded.inputs), "a file that is not there yet");
    const listed = await harness(args, { env });
    assert.equal(listed.exitCode, 0, listed.stderr);
    assert.equal(listed.stdout, (await harness(args, { env: { HARNESS_BUNDLE: "0" } })).stdout);
    assert.deepEqual(await readdir(own), ["failed.json"], "no build was tried");
    const doctor = await harness(["doctor", "--json"], { env });
    const checks = JSON.parse(doctor.stdout) as { name: string; ok: boolean; detail: string }[];
    const check = checks.find(({ name }) => name === "cli bundle");
    assert.equal(check?.ok, false);
    assert.match(check.detail, /build failed at .*: Build failed with 1 error; the sources run/);
    // Once a file it watches changes (package.json here), the next command builds again.
    const stale = { ...recorded, inputs: { ...recorded.inputs, "package.json": [1, 1] } };
    await writeFile(join(own, "failed.json"), JSON.stringify(stale));
    assert.equal(standingFailure(REPO, own), undefined);
    assert.equal((await harness(args, { env })).exitCode, 0);
    const entries = await readdir(own);
    assert.ok(entries.includes("manifest.json"), `built again: ${entries.join(", ")}`);
    assert.ok(!entries.includes("failed.json"), "the failure is forgotten after a build");
  });

  it("runs the sources when its manifest or failure record is damaged", async () => {
    const args = ["list", "--cases", FIXTURES, "--json"];
    const expected = (await harness(args, { env: { HARNESS_BUNDLE: "0" } })).stdout;
    const damaged = JSON.stringify({ ...manifest, inputs: null });
    for (const file of ["manifest.json", "failed.json"]) {
      const own = await tempDir("harness-bundle-damaged-");
      const env = { HARNESS_CLI_BUNDLE_DIR: own };
      await writeFile(join(own, file), damaged);
      const listed = await harness(args, { env });
      assert.equal(listed.exitCode, 0, `${file}: ${listed.stderr}`);
      assert.equal(listed.stdout, expected, file);
    }
  });

  it("maps a stack frame in a chunk back to the TypeScript line", async () => {
    const chunks = join(dir, manifest.entry, "..");
    const source = await readFile(join(REPO, "harness/cli/cli.ts"), "utf8");
    const sourceLine =
      source.split("\n").findIndex((line) => line.includes('"EUNKNOWNCOMMAND"')) + 1;
    let frame: string | undefined;
    for (const chunk of (await readdir(chunks)).filter((name) => name.endsWith(".js"))) {
      const lines = (await readFile(join(chunks, chunk), "utf8")).split("\n");
      const index = lines.findIndex((line) => line.includes('"EUNKNOWNCOMMAND"'));
      if (index < 0) continue;
      const column = (lines[index] as string).indexOf('"EUNKNOWNCOMMAND"') + 1;
      frame = `${pathToFileURL(join(chunks, chunk)).href}:${index + 1}:${column}`;
    }
    assert.ok(frame, "no chunk holds the unknown-command error");
    const mapped = sourceMappedStack(
      `Error: boom\n    at main (${frame})\n    at node:internal/x:1:1`,
    );
    assert.match(
      mapped,
      new RegExp(`at main \\(${join(REPO, "harness/cli/cli.ts")}:${sourceLine}:\\d+\\)`),
    );
    assert.match(mapped, /at node:internal\/x:1:1$/);
  });

  it("keeps its bundle in the user's cache folder when the tree cannot be written to", async function () {
    if (process.getuid?.() !== 0) {
      console.log("      skipping: needs root to run bin/harness as nobody");
      this.skip();
    }
    const home = await tempDir("harness-bundle-readonly-");
    await chmod(home, 0o777);
    // nobody can read the tree but not write to it, as with a clone owned by someone else.
    const result = await execa(
      "setpriv",
      [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        join(REPO, "bin", "harness"),
        "--version",
      ],
      {
        reject: false,
        extendEnv: false,
        env: { PATH: process.env.PATH ?? "", HOME: home, XDG_CACHE_HOME: join(home, "cache") },
      },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    const folders = await readdir(join(home, "cache", "harness", "cli"));
    assert.equal(folders.length, 1, folders.join(" "));
    const built = await readManifest(join(home, "cache", "harness", "cli", folders[0] ?? ""));
    assert.equal(built.root, REPO);
    await rm(home, { recursive: true, force: true });
  });
});
