// Temporary folders named after the process that made them: `<prefix><pid>.<start>.<pidns>-XXXXXX`.
// A run removes those whose owner is gone (a SIGKILLed run cannot remove its own); the start time
// keeps a reused pid from protecting a stale folder, and the pid namespace keeps a run in another
// container that shares the temp folder from taking a live owner for a dead one. Folders still
// held when the process exits (a forced exit) are removed synchronously on the way out.
import { readFileSync, readlinkSync, rmSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The kinds of owned folders; a sweep looks only at these names. */
export const OWNED_PREFIXES = ["hq-", "hk-", "harness-publish-", "harness-logs-read-"] as const;
/** One of OWNED_PREFIXES. */
export type OwnedPrefix = (typeof OWNED_PREFIXES)[number];

const held = new Set<string>();
let exitHookInstalled = false;

/** Makes a private folder under the OS temp folder named after this process; `removeOwnedFolder` when done. */
export async function ownedTempFolder(prefix: OwnedPrefix, parent = tmpdir()): Promise<string> {
  const folder = await mkdtemp(join(parent, `${prefix}${ownerTag(process.pid)}-`));
  held.add(folder);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", removeHeldFoldersNow);
  }
  return folder;
}

/** Removes a folder made by `ownedTempFolder`, and forgets it. */
export async function removeOwnedFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  held.delete(folder);
}

/** Removes every owned folder still held, synchronously; for exit paths that cannot wait. */
export function removeHeldFoldersNow(): void {
  for (const folder of held) {
    try {
      rmSync(folder, { recursive: true, force: true });
    } catch {
      // Another user's sticky temp folder, a read-only mount: nothing more to do on the way out.
    }
  }
  held.clear();
}

/** Removes owned folders under `parent` whose owner has exited; returns the paths removed. */
export async function sweepStaleFolders(parent = tmpdir()): Promise<string[]> {
  const names = await readdir(parent).catch(() => [] as string[]);
  const stale = names.filter((name) => {
    const owner = parseOwner(name);
    return owner !== undefined && owner.pidNs === pidNamespace() && !ownerAlive(owner);
  });
  const removed: string[] = [];
  for (const name of stale) {
    // A folder another user made stays theirs to remove.
    const done = await rm(join(parent, name), { recursive: true, force: true }).then(
      () => true,
      () => false,
    );
    if (done) removed.push(join(parent, name));
  }
  return removed;
}

interface Owner {
  pid: number;
  startTicks: string;
  pidNs: string;
}

const OWNED_NAME = new RegExp(
  `^(?:${OWNED_PREFIXES.map((p) => p.replace(/-/g, "\\-")).join("|")})(\\d+)\\.(\\d+)\\.(\\d+)-[^.]+$`,
);

function parseOwner(name: string): Owner | undefined {
  const match = OWNED_NAME.exec(name);
  if (!match) return undefined;
  return { pid: Number(match[1]), startTicks: match[2] as string, pidNs: match[3] as string };
}

/** `<pid>.<start>.<pidns>` of a process: what an owned folder's name carries. */
export function ownerTag(pid: number): string {
  return `${pid}.${startTicks(pid) ?? "0"}.${pidNamespace()}`;
}

function ownerAlive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: alive, another user's.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // Without /proc (macOS) a live pid is taken at its word; "0" marks a start time not known.
  const now = startTicks(owner.pid);
  return now === undefined || owner.startTicks === "0" || now === owner.startTicks;
}

// Field 22 of /proc/<pid>/stat: clock ticks from boot to the process's start; fixed for its life.
function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

let cachedPidNs: string | undefined;
// The inode of this process's pid namespace ("0" without /proc): pids mean something only within one.
function pidNamespace(): string {
  if (cachedPidNs !== undefined) return cachedPidNs;
  try {
    cachedPidNs = /\[(\d+)\]/.exec(readlinkSync("/proc/self/ns/pid"))?.[1] ?? "0";
  } catch {
    cachedPidNs = "0";
  }
  return cachedPidNs;
}
