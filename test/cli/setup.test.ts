// harness setup: the installed tool's host set-up installs what running needs and nothing the
// harness's own tests need; on a host that has it all, it only checks.
import assert from "node:assert/strict";
import { execa } from "execa";
import { join } from "node:path";
import { REPO, harness } from "../helpers/cli.ts";

const TEST_ONLY = ["chromium", "docker.io", "mmdebstrap", "docker-registry", "openssh-server"];

describe("harness setup", function () {
  this.timeout(600_000);

  it("--list names the packages running needs, none that only the tests use", async () => {
    const result = await harness(["setup", "--list"]);
    assert.equal(result.exitCode, 0, result.stderr);
    const packages = result.stdout.trim().split("\n");
    for (const needed of ["qemu-system-x86", "qemu-system-arm", "kmod", "cpio", "xorriso"])
      assert.ok(packages.includes(needed), `${needed} missing from ${packages.join(" ")}`);
    for (const testOnly of TEST_ONLY)
      assert.ok(!packages.includes(testOnly), `${testOnly} is only for the tests`);
  });

  it("installs nothing on a host that has everything, and says it is ready", async () => {
    const result = await harness(["setup"]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /installing|apt-get update|adding foreign/);
    assert.match(result.stdout, /ready/);
  });

  it("is the run-time part of ./setup, which adds the test-only packages to it", async () => {
    const listed = await execa(join(REPO, "bin", "setup-host"), ["--list"]);
    const own = await harness(["setup", "--list"]);
    assert.equal(own.stdout.trim(), listed.stdout.trim());
  });
});
