// One catalogue of error codes: every code the code raises is in it (the type checker holds
// HarnessError to ErrorCode), and every code in it is raised somewhere.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ERROR_CODES } from "../../harness/error-codes.ts";
import { REPO } from "../helpers/cli.ts";

async function sourceText(): Promise<string> {
  const texts: string[] = [];
  for (const top of ["harness", "platforms"]) {
    const entries = await readdir(join(REPO, top), { withFileTypes: true, recursive: true });
    for (const e of entries)
      if (e.isFile() && e.name.endsWith(".ts") && e.name !== "error-codes.ts")
        texts.push(await readFile(join(e.parentPath, e.name), "utf8"));
  }
  return texts.join("\n");
}

describe("the error code catalogue", () => {
  it("lists only codes the harness raises, each with what it means", async () => {
    const text = await sourceText();
    const unused = Object.keys(ERROR_CODES).filter((code) => !text.includes(`"${code}"`));
    assert.deepEqual(unused, []);
    for (const [code, meaning] of Object.entries(ERROR_CODES)) {
      assert.match(code, /^E[A-Z0-9]+$/);
      assert.ok(meaning.length > 10, `${code} says what it means`);
    }
  });
});
