// YAML input the parser must refuse with one located error: invalid UTF-8, nesting deeper than it
// can follow, a file too large to hold in memory.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_YAML_BYTES, parseYaml, readYaml } from "../../harness/util/yaml-source.ts";

describe("YAML sources", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "yaml-source-test-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses invalid UTF-8 at its line and column instead of reading replacement characters", async () => {
    const file = join(dir, "latin1.yml");
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from("summary: ok\nlabels: [caf"),
        Buffer.from([0xe9]),
        Buffer.from("]\n"),
      ]),
    );
    const { source, errors } = await readYaml(file);
    assert.equal(source, undefined);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? "", /not UTF-8/);
    assert.deepEqual(errors[0]?.at, { file, line: 2, column: 13 });
  });

  for (const [shape, text] of [
    ["flow sequences", `summary: ${"[".repeat(100_000)}`],
    ["flow mappings", `summary: ${"{a: ".repeat(100_000)}`],
    [
      "block sequences",
      `x:\n${Array.from({ length: 10_000 }, (_, i) => `${" ".repeat(i * 2)}- \n`).join("")}`,
    ],
  ] as const) {
    it(`refuses ${shape} nested too deep with one located error, not a stack overflow`, () => {
      const { source, errors } = parseYaml("deep.yml", text);
      assert.equal(source, undefined);
      assert.equal(
        errors.length,
        1,
        errors
          .map((e) => e.message)
          .join("\n")
          .slice(0, 500),
      );
      assert.match(errors[0]?.message ?? "", /nested more than \d+ levels deep/);
      assert.doesNotMatch(errors[0]?.message ?? "", /call stack/);
      assert.equal(errors[0]?.at?.file, "deep.yml");
    });
  }

  it("refuses a file larger than it will hold in memory, before parsing it", async () => {
    const file = join(dir, "huge.yml");
    await writeFile(file, `labels:\n${"  - a\n".repeat(MAX_YAML_BYTES / 6 + 1)}`);
    const { source, errors } = await readYaml(file);
    assert.equal(source, undefined);
    assert.match(errors[0]?.message ?? "", /MB, more than the \d+ MB a YAML file may have/);
    assert.deepEqual(errors[0]?.at, { file, line: 1, column: 1 });
  });

  it("refuses a folder or a missing file where a YAML file should be, as bad input", async () => {
    for (const [path, code] of [
      [dir, "EREAD"],
      [join(dir, "missing.yml"), "ENOTFOUND"],
    ] as const) {
      const { source, errors } = await readYaml(path);
      assert.equal(source, undefined);
      assert.equal(errors[0]?.code, code);
      assert.equal(errors[0]?.exitCode, 2);
      assert.equal(errors[0]?.at?.file, path);
    }
  });

  it("lists at most a few syntax errors of a broken file", () => {
    const text = Array.from({ length: 200 }, (_, i) => `k${i}: [unclosed\n`).join("");
    const { errors } = parseYaml("broken.yml", text);
    assert.ok(errors.length >= 1 && errors.length <= 10, `${errors.length} errors`);
  });
});
