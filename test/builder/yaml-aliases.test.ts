import assert from "node:assert/strict";
import { parseYaml } from "../../harness/util/yaml-source.ts";
import { MAX_ALIASED_VALUES } from "../../harness/util/yaml-aliases.ts";

function described(text: string): string[] {
  return parseYaml("image.yml", text).errors.map((error) => error.describe());
}

describe("YAML aliases", () => {
  it("keeps ordinary reuse, values shared as written", () => {
    const text = "caps: &caps [CAP_NET_ADMIN, CAP_SYS_ADMIN]\na: {capabilities: *caps}\nb: *caps\n";
    const { source, errors } = parseYaml("image.yml", text);
    assert.deepEqual(errors, []);
    assert.deepEqual(source?.value, {
      caps: ["CAP_NET_ADMIN", "CAP_SYS_ADMIN"],
      a: { capabilities: ["CAP_NET_ADMIN", "CAP_SYS_ADMIN"] },
      b: ["CAP_NET_ADMIN", "CAP_SYS_ADMIN"],
    });
  });

  it("counts what aliases stand for, not how many there are", () => {
    const list = `[${Array(100).fill("x").join(", ")}]`;
    const uses = (n: number) => Array.from({ length: n }, (_, i) => `u${i}: *big`).join("\n");
    const fits = Math.floor(MAX_ALIASED_VALUES / 101);
    assert.deepEqual(described(`big: &big ${list}\n${uses(fits)}\n`), []);
    const [error] = described(`big: &big ${list}\n${uses(fits + 1)}\n`);
    assert.match(error ?? "", new RegExp(`^image\\.yml:${fits + 2}:\\d+: .*alias \\*big`));
  });

  it("locates an alias without an anchor before it, and one inside its own anchor", () => {
    assert.match(
      described("a: *later\nb: &later 1\n")[0] ?? "",
      /^image\.yml:1:4: .*alias \*later has no anchor/,
    );
    assert.match(described("a: &x [1, *x]\n")[0] ?? "", /^image\.yml:1:11: .*alias \*x is inside/);
  });
});
