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
