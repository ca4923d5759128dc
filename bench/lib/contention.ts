// How much of the machine other processes used while a measurement ran: on a shared 2-core host
// a busy neighbour slows TCG guests and skews every ratio, so each result says how quiet it was.
import { readFile } from "node:fs/promises";

/** CPU clock ticks: the whole machine's busy and total, and this process with its waited-for children. */
export interface CpuSnapshot {
  busy: number;
  total: number;
  ours: number;
}

/** Reads /proc/stat and /proc/self/stat; zeros where /proc is missing. */
export async function cpuSnapshot(): Promise<CpuSnapshot> {
  const stat = await readFile("/proc/stat", "utf8").catch(() => "");
  const fields = (/^cpu\s+(.*)$/m.exec(stat)?.[1] ?? "").split(/\s+/).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    fields;
  const busy = user + nice + system + irq + softirq + steal;
  // utime, stime, cutime, cstime: fields 14-17, counted after the ")" that ends the command name.
  const self = await readFile("/proc/self/stat", "utf8").catch(() => "");
  const after = self
    .slice(self.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  const ours = (after[11] ?? 0) + (after[12] ?? 0) + (after[13] ?? 0) + (after[14] ?? 0);
  return { busy, total: busy + idle + iowait, ours };
}

/** The share (0–1) of all the machine's CPU time between two snapshots that others used. */
export function othersShare(before: CpuSnapshot, after: CpuSnapshot): number {
  const total = after.total - before.total;
  if (total <= 0) return 0;
  const others = after.busy - before.busy - (after.ours - before.ours);
  return Math.max(0, others / total);
}
