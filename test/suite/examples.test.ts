import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join, basename, resolve } from "node:path";
import { discoverCases } from "../../harness/cases/discover.ts";
import { REPO } from "../helpers/cli.ts";

describe("bundled examples", () => {
  it("every YAML in cases/examples/ has a case that builds and boots it", async () => {
    const examples = (await readdir(join(REPO, "cases", "examples"))).filter((f) =>
      f.endsWith(".yml"),
    );
    assert.ok(examples.length >= 4, "minimal, runc, containerd and sshd at least");
    const { cases, errors } = await discoverCases(join(REPO, "cases"));
    assert.deepEqual(errors, []);
    const covered = new Set(
      cases.map((c) => c.files.image && resolve(c.files.image)).filter(Boolean),
    );
    for (const example of examples) {
      assert.ok(
        covered.has(resolve(REPO, "cases", "examples", example)),
        `no case boots examples/${example}`,
      );
      assert.ok(
        cases.some((c) => c.name === `examples.${basename(example, ".yml")}`),
        `no case named examples.${basename(example, ".yml")}`,
      );
    }
  });
});
