// An exclusive lock file shared by processes: created with O_EXCL, retried until a deadline, broken when stale.
import { randomUUID } from "node:crypto";
import { link, open, readFile, rename, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { HarnessError } from "../../errors.ts";

/** How long to wait for a lock, and when a held lock counts as abandoned. */
export interface LockOptions {
  timeoutMs?: number;
  staleMs?: number;
}

/** Runs `work` while holding the lock file at `path`; the lock is released on every path. */
export async function withFileLock<T>(
  path: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const owner = await acquire(path, options.timeoutMs ?? 30_000, options.staleMs ?? 60_000);
  try {
    return await work();
  } finally {
    await release(path, owner);
  }
}

async function acquire(path: string, timeoutMs: number, staleMs: number): Promise<string> {
  const owner = `${process.pid} ${hostname()} ${randomUUID()}`;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(path, owner)) return owner;
    const held = await readFile(path, "utf8").catch(() => undefined);
    if (held !== undefined && (await isStale(path, held, staleMs))) {
      await breakStale(path, held);
      continue;
    }
    if (Date.now() >= deadline) throw lockTimeout(path, held, timeoutMs);
    await sleep(Math.min(5 * 2 ** Math.min(attempt, 5), 100) + Math.random() * 10);
  }
}

async function tryCreate(path: string, owner: string): Promise<boolean> {
  try {
    const handle = await open(path, "wx");
    try {
      await handle.writeFile(owner);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

async function isStale(path: string, held: string, staleMs: number): Promise<boolean> {
  const [pid, host] = held.split(" ");
  if (host === hostname() && pid !== undefined && /^\d+$/.test(pid) && !isAlive(Number(pid))) {
    return true;
  }
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > staleMs;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// Moves the lock aside first, so two processes breaking the same stale lock cannot delete a fresh one.
async function breakStale(path: string, held: string): Promise<void> {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  const moved = await readFile(aside, "utf8").catch(() => undefined);
  if (moved !== held) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

async function release(path: string, owner: string): Promise<void> {
  const held = await readFile(path, "utf8").catch(() => undefined);
  if (held === owner) await rm(path, { force: true });
}

function lockTimeout(path: string, held: string | undefined, timeoutMs: number): HarnessError {
  const holder = held ? ` (held by pid ${held.split(" ")[0]} on ${held.split(" ")[1]})` : "";
  return new HarnessError(
    "ESTORELOCK",
    `could not lock ${path} within ${Math.round(timeoutMs / 1000)}s${holder}`,
    { hint: `If no other harness process is running, delete ${path} and try again.` },
  );
}
