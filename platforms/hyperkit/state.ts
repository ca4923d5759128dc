// The per-cell state folder hyperkit works in. hyperkit refuses to start while its pidfile exists,
// and a harness that crashed leaves both the file and, maybe, the process: so before each boot the
// process named in it is stopped (only when it really is a hyperkit of this folder) and the file goes.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { execa } from "execa";
import { stateFiles } from "./command-line.ts";

const LEFTOVER_GRACE_MS = 2000;

/** Makes the state folder ready for a fresh hyperkit and returns the guest UUID kept in it. */
export async function prepareStateDir(stateDir: string, binary: string): Promise<string> {
  await mkdir(stateDir, { recursive: true });
  const files = stateFiles(stateDir);
  await stopLeftover(files.pidfile, binary, stateDir);
  await Promise.all(
    [files.pidfile, files.consoleTty, files.resultsTty].map((file) => rm(file, { force: true })),
  );
  const uuid = randomUUID();
  await writeFile(join(stateDir, "uuid"), `${uuid}\n`);
  return uuid;
}

/** Stops the process a stale pidfile names, if it is still a hyperkit working in `stateDir`. */
export async function stopLeftover(
  pidfile: string,
  binary: string,
  stateDir: string,
): Promise<number | undefined> {
  const pid = Number((await readFile(pidfile, "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const command = await commandOf(pid);
  // A pid is reused once its process is gone: only one that is a hyperkit of this folder is ours.
  const name = binary.split("/").at(-1) ?? binary;
  if (!command?.includes(name) || !command.includes(stateDir)) return undefined;
  signal(pid, "SIGTERM");
  if (!(await gone(pid, LEFTOVER_GRACE_MS))) signal(pid, "SIGKILL");
  await gone(pid, LEFTOVER_GRACE_MS);
  return pid;
}

// `ps` prints the full command line on both macOS and Linux.
async function commandOf(pid: number): Promise<string | undefined> {
  const result = await execa("ps", ["-o", "command=", "-p", String(pid)], { reject: false });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
}
