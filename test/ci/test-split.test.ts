// npm run test:unit and npm run test:vm split the test files between them: each file is in exactly
// one, and no file in the fast unit run calls a helper that boots a guest or starts a service.
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import picomatch from "picomatch";
import { REPO } from "../helpers/cli.ts";

// Helpers and fixtures whose use means a guest boots or docker, a registry or sshd starts.
const STARTS_SOMETHING =
  /\b(startSshd|startRegistry|ensureDockerEngine|startRunner|bootConsole)\(|image-cases|helpers\/boot\.ts/;

interface Selection {
  specs: string[];
  ignores: string[];
}

// The spec globs and --ignore globs of a `bin/with-node mocha …` script.
function selectionOf(script: string): Selection {
  const words = (script.match(/'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^'|'$/g, ""));
  const args = words.slice(words.indexOf("mocha") + 1);
  const selection: Selection = { specs: [], ignores: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--ignore" || arg === "--exclude") selection.ignores.push(args[++i] ?? "");
    else if (arg.startsWith("-")) assert.fail(`unexpected flag ${arg} in ${script}`);
    else selection.specs.push(arg);
  }
  return selection;
}

function selects({ specs, ignores }: Selection, file: string): boolean {
  return picomatch(specs)(file) && !(ignores.length > 0 && picomatch(ignores)(file));
}

async function testFiles(): Promise<string[]> {
  const entries = await readdir(join(REPO, "test"), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".test.ts"))
    .map((e) => relative(REPO, join(e.parentPath, e.name)))
    .filter((path) => !path.split("/").includes("fixtures"))
    .sort();
}

describe("the unit / vm test split", () => {
  let unit: Selection;
  let vm: Selection;
  let files: string[];

  before(async () => {
    const scripts = (
      JSON.parse(await readFile(join(REPO, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    unit = selectionOf(scripts["test:unit"] ?? "");
    vm = selectionOf(scripts["test:vm"] ?? "");
    files = await testFiles();
  });

  it("runs every test file in exactly one of test:unit and test:vm", () => {
    assert.ok(files.length > 50, `only ${files.length} test files found`);
    const wrong = files.filter((file) => selects(unit, file) === selects(vm, file));
    assert.deepEqual(wrong, [], "in both runs or in neither");
  });

  it("keeps guests and services out of test:unit (VM test files are named *.vm.test.ts)", async () => {
    const starting: string[] = [];
    // This file names the helpers in its pattern; it calls none of them.
    const self = relative(REPO, fileURLToPath(import.meta.url));
    for (const file of files.filter((f) => selects(unit, f) && f !== self)) {
      if (STARTS_SOMETHING.test(await readFile(join(REPO, file), "utf8"))) starting.push(file);
    }
    assert.deepEqual(starting, []);
  });

  it("names the VM files test:vm lists one by one, and they exist", () => {
    for (const path of vm.specs.filter((spec) => !picomatch.scan(spec).isGlob))
      assert.ok(files.includes(path), `${path} in test:vm is not a test file`);
  });
});
