import assert from "node:assert/strict";
import { execa } from "execa";
import { join } from "node:path";
import { REPO } from "./helpers/cli.ts";

describe("./setup", () => {
  it("is idempotent: a second run installs nothing and reports ready", async () => {
    const result = await execa(join(REPO, "setup"), [], {
      cwd: REPO,
      reject: false,
      timeout: 600_000,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /installing|apt-get update|adding foreign/);
    assert.match(result.stderr, /setup: ready \(node v(2[2-9]|[3-9]\d)\./);
  });

  it("provides a Node the project supports to the harness command", async () => {
    const result = await execa(
      join(REPO, "bin", "with-node"),
      ["-e", "console.log(process.versions.node)"],
      { cwd: REPO },
    );
    assert.ok(Number(result.stdout.split(".")[0]) >= 22, result.stdout);
  });
});
