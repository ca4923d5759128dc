// The private apt's sources file: every apt call reads it without a lock, so it must never be
// seen half-written or empty (a concurrent apt-cache then says "No packages found").
import assert from "node:assert/strict";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { privateApt } from "../../harness/builder/kernels/apt.ts";
import { tempDir } from "../helpers/cli.ts";

describe("the private apt's sources", () => {
  it("are left alone while unchanged, and replaced whole when they differ", async () => {
    const cacheDir = await tempDir("harness-apt-");
    // Lists updated just now: privateApt asks no mirror.
    await mkdir(join(cacheDir, "apt"), { recursive: true });
    await writeFile(join(cacheDir, "apt", "updated"), new Date().toISOString());
    const file = join(cacheDir, "apt", "sources.list.d", "harness.sources");

    await privateApt(cacheDir);
    const written = await readFile(file, "utf8");
    assert.match(written, /^Types: deb$/m);
    assert.match(written, /^Suites: .*-backports/m);
    const first = await stat(file);

    await privateApt(cacheDir);
    const again = await stat(file);
    assert.deepEqual([again.ino, again.mtimeMs], [first.ino, first.mtimeMs], "not rewritten");

    await writeFile(file, "Types: deb\n");
    const edited = await stat(file);
    await privateApt(cacheDir);
    const replaced = await stat(file);
    assert.equal(await readFile(file, "utf8"), written);
    assert.notEqual(
      replaced.ino,
      edited.ino,
      "a new file renamed over the old, not rewritten in place",
    );
  });
});
