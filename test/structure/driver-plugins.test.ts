// Drivers are plug-ins: each reads its own part of case.yml (its keys and their schema come from
// its folder), so the rest of the harness never branches on a driver's name, and adding a driver
// touches only harness/drivers/.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { DRIVERS } from "../../harness/drivers/index.ts";
import { REPO } from "../helpers/cli.ts";

describe("drivers as plug-ins", () => {
  it("no code outside harness/drivers/ compares against a driver's name", async () => {
    const names = DRIVERS.map((d) => d.name).join("|");
    const branch = new RegExp(
      `driver\\s*(===|!==|==|!=|:|\\?\\?)\\s*["'](${names})["']|["'](${names})["']\\s*(===|!==)[^\\n]*driver`,
    );
    const found: string[] = [];
    for (const top of ["harness", "platforms"]) {
      const entries = await readdir(join(REPO, top), { withFileTypes: true, recursive: true });
      for (const e of entries) {
        const file = join(e.parentPath, e.name);
        if (!e.isFile() || !e.name.endsWith(".ts")) continue;
        if (relative(REPO, file).startsWith(join("harness", "drivers"))) continue;
        (await readFile(file, "utf8")).split("\n").forEach((line, i) => {
          if (branch.test(line)) found.push(`${relative(REPO, file)}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    assert.deepEqual(found, []);
  });

  it("case.schema.json names no driver; the drivers add their names and keys", async () => {
    const schema = JSON.parse(
      await readFile(join(REPO, "harness", "cases", "case.schema.json"), "utf8"),
    ) as { properties: Record<string, { enum?: unknown }> };
    assert.equal(schema.properties.driver?.enum, undefined);
    for (const driver of DRIVERS)
      for (const key of Object.keys(driver.caseKeys ?? {}))
        assert.equal(schema.properties[key], undefined, `${key} belongs to driver ${driver.name}`);
    assert.ok(
      DRIVERS.some((d) => Object.keys(d.caseKeys ?? {}).length > 0),
      "some driver brings its own keys",
    );
  });
});
