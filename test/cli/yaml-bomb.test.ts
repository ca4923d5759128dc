// Alias bombs ("billion laughs") in every kind of YAML file the harness reads: a located bad-input
// error, quickly, in a heap far too small to hold the expansion.
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { harness, tempDir } from "../helpers/cli.ts";

/** Nine levels of nine aliases each (about 3.9e8 values once expanded), used by the field `use`. */
function aliasBomb(use: string): string {
  const lines = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  const names = "abcdefghij";
  for (let i = 1; i < names.length; i++) {
    const previous = names[i - 1] ?? "";
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${previous}`).join(", ")}]`);
  }
  lines.push(`${use}: *j`);
  return `${lines.join("\n")}\n`;
}

// The expansion needs gigabytes; this heap holds the harness but not a thousandth of that.
const SMALL_HEAP = { NODE_OPTIONS: "--max-old-space-size=64" };
const QUICK_MS = 20_000;

async function expectLocatedBomb(file: string, bomb: string, args: string[], cwd?: string) {
  const startedMs = performance.now();
  const result = await harness(args, { env: SMALL_HEAP, ...(cwd ? { cwd } : {}) });
  const output = result.stdout + result.stderr;
  assert.equal(result.exitCode, 2, output);
  assert.ok(performance.now() - startedMs < QUICK_MS, "took too long");
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const at = new RegExp(`${escaped}:(\\d+):\\d+: invalid YAML: .*alias \\*[a-j]`).exec(output);
  assert.ok(at, output);
  const line = bomb.split("\n")[Number(at[1]) - 1] ?? "";
  assert.match(line, /\*[a-j]/, "the location is a line with aliases");
  assert.doesNotMatch(output, /^\s+at /m, "no stack trace");
  assert.doesNotMatch(output, /internal error|heap out of memory/);
}

describe("YAML alias bombs", function () {
  this.timeout(60_000);

  it("in case.yml: harness list and harness validate stop at the alias", async () => {
    const cases = await tempDir();
    await mkdir(join(cases, "010_bomb"));
    const file = join(cases, "010_bomb", "case.yml");
    const bomb = aliasBomb("labels");
    await writeFile(file, bomb);
    await writeFile(join(cases, "010_bomb", "test.sh"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    await expectLocatedBomb(file, bomb, ["list", "--cases", cases]);
    await expectLocatedBomb(file, bomb, ["validate", file]);
  });

  it("in harness.yml: harness run with a preset stops at the alias", async () => {
    const dir = await tempDir();
    const file = join(dir, "harness.yml");
    const bomb = aliasBomb("runners");
    await writeFile(file, bomb);
    await expectLocatedBomb(file, bomb, ["run", "--preset", "pr", "--platform", "qemu"], dir);
  });

  it("in an image's test.yml: harness build and harness validate stop at the alias", async () => {
    const dir = await tempDir();
    const file = join(dir, "test.yml");
    const bomb = aliasBomb("onboot");
    await writeFile(file, bomb);
    await expectLocatedBomb(file, bomb, ["build", file, "-o", join(dir, "out")]);
    await expectLocatedBomb(file, bomb, ["validate", file]);
  });
});
