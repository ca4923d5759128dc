import assert from "node:assert/strict";
import { matchesPatterns } from "../../harness/cases/select.ts";
import type { HarnessError } from "../../harness/errors.ts";

describe("case patterns", () => {
  it("match plain names by prefix, as rtf does", () => {
    assert.ok(matchesPatterns("packages.containerd.snapshotters", ["packages.containerd"]));
    assert.ok(
      matchesPatterns("linuxkit.build.formats.kernel+initrd", ["linuxkit.build.formats.k"]),
    );
    assert.ok(!matchesPatterns("packages.runc", ["packages.containerd"]));
  });

  it("match globs over whole dotted names, * crossing dots", () => {
    const name = "packages.containerd.snapshotters";
    for (const glob of ["packages.containerd.*", "packages.*", "*.snapshotters", "*containerd*"])
      assert.ok(matchesPatterns(name, [glob]), glob);
    for (const glob of ["packages.runc.*", "packages.containerd.?", "*.containerd"])
      assert.ok(!matchesPatterns(name, [glob]), glob);
    assert.ok(matchesPatterns("boot.banner", ["boot.b?nner"]));
    assert.ok(matchesPatterns("boot.banner", ["boot.[abc]anner"]));
    assert.ok(!matchesPatterns("boot.banner", ["boot.[^b]anner"]));
    assert.ok(matchesPatterns("linuxkit.build.formats.kernel+initrd", ["*.kernel+initrd"]));
  });

  it("reject a malformed glob with its text and exit code 2", () => {
    for (const glob of ["[x", "boot.(a*", "a]b*"]) {
      assert.throws(
        () => matchesPatterns("boot.banner", [glob]),
        (error: HarnessError) => error.exitCode === 2 && error.message.includes(`"${glob}"`),
        glob,
      );
    }
  });
});
