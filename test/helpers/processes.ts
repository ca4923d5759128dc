// Finds live processes by an environment entry, to prove nothing a run started is left behind.
import { readdir, readFile } from "node:fs/promises";

/** Pids of live (non-zombie) processes whose environment contains `entry` ("NAME=value"). */
export async function processesWithEnv(entry: string): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const environ = await readFile(`/proc/${pid}/environ`, "latin1").catch(() => "");
    if (!environ.split("\0").includes(entry)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, "latin1").catch(() => "");
    if (!/ Z /.test(stat.slice(stat.lastIndexOf(")")))) pids.push(Number(pid));
  }
  return pids;
}

/** Pids of live qemu processes whose command line mentions `path` (a test's own logs folder). */
export async function qemuProcessesUnder(path: string): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "latin1").catch(() => "");
    if (cmdline.startsWith("qemu-system") && cmdline.includes(path)) pids.push(Number(pid));
  }
  return pids;
}

/** Pids of live processes whose command line contains `marker`. */
export async function processesMentioning(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "latin1").catch(() => "");
    if (cmdline.includes(marker)) pids.push(Number(pid));
  }
  return pids;
}

/** The socket folders (results socket's parent) of live qemu processes whose command line mentions `path`. */
export async function qemuSocketFolders(path: string): Promise<string[]> {
  const folders: string[] = [];
  for (const pid of await qemuProcessesUnder(path)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "latin1").catch(() => "");
    const socket = /socket,id=results,path=([^\0,]+)\/results\.sock/.exec(cmdline);
    if (socket?.[1]) folders.push(socket[1]);
  }
  return folders;
}

/** Resolves once `check` holds; rejects after `timeoutMs` naming `what`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
