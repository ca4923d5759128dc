import assert from "node:assert/strict";
import { execa } from "execa";
import { existsSync } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  ownedTempFolder,
  ownerTag,
  removeHeldFoldersNow,
  removeOwnedFolder,
  sweepStaleFolders,
} from "../../harness/util/owner-folder.ts";
import { tempDir } from "../helpers/cli.ts";

// The pid of a process that has exited (and was reaped), so nothing runs under it now.
async function deadPid(): Promise<number> {
  const child = execa("true");
  await child;
  return child.pid as number;
}

describe("owned temp folders", () => {
  it("are named after their owner and removed with removeOwnedFolder", async () => {
    const parent = await tempDir("harness-owned-");
    const folder = await ownedTempFolder("hq-", parent);
    assert.ok(folder.startsWith(join(parent, `hq-${ownerTag(process.pid)}-`)), folder);
    await removeOwnedFolder(folder);
    assert.equal(existsSync(folder), false);
  });

  it("a sweep removes folders of dead owners and of reused pids, and keeps live owners' and others'", async () => {
    const parent = await tempDir("harness-owned-");
    const live = await ownedTempFolder("hq-", parent);
    const [pidNow, startNow, pidNs] = ownerTag(process.pid).split(".");
    const dead = join(parent, `hq-${await deadPid()}.12345.${pidNs}-aaaaaa`);
    // This very pid, but started at another time: the pid was reused, its folder's owner is gone.
    const reused = join(
      parent,
      `harness-publish-${pidNow}.${Number(startNow) + 1}.${pidNs}-bbbbbb`,
    );
    // A dead-looking pid in another pid namespace may be a live run in another container.
    const otherNs = join(parent, `hq-${await deadPid()}.12345.${Number(pidNs) + 1}-cccccc`);
    const unrelated = join(parent, "hq-dddddd");
    for (const folder of [dead, reused, otherNs, unrelated]) await mkdir(folder);
    await mkdir(join(dead, "inside"));
    const removed = await sweepStaleFolders(parent);
    assert.deepEqual(removed.sort(), [dead, reused].sort());
    assert.deepEqual(
      (await readdir(parent)).sort(),
      [live, otherNs, unrelated].map((f) => f.slice(parent.length + 1)).sort(),
    );
    await removeOwnedFolder(live);
  });

  it("removes folders still held at a forced exit", async () => {
    const parent = await tempDir("harness-owned-");
    const folder = await ownedTempFolder("hk-", parent);
    removeHeldFoldersNow();
    assert.equal(existsSync(folder), false);
  });
});
