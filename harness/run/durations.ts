// How long each cell took in earlier runs, read from the logs folder's run.json files, so a run can
// start its longest cells first: with N at once, a long cell started last leaves the other slots
// idle while it finishes.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Cell } from "../matrix/cells.ts";

/** Earlier runs read at most: enough to know every cell of a nightly, cheap to parse. */
const RUNS_READ = 30;

interface RecordedCell {
  id?: unknown;
  status?: unknown;
  durationMs?: unknown;
}

/** Each cell id's duration in the newest earlier run under `logsDir` that ran it (skipped and
 * cancelled cells say nothing about how long a cell takes). A missing folder gives an empty map. */
export async function pastDurations(
  logsDir: string,
  runsRead = RUNS_READ,
): Promise<Map<string, number>> {
  const names = (await readdir(logsDir, { withFileTypes: true }).catch(() => []))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .slice(-runsRead);
  const durations = new Map<string, number>();
  // Oldest first, so a newer run's number replaces an older one.
  for (const name of names) {
    for (const cell of await recordedCells(join(logsDir, name, "run.json"))) {
      const { id, status, durationMs } = cell;
      if (typeof id !== "string" || typeof durationMs !== "number") continue;
      if (status === "skip" || status === "cancel") continue;
      durations.set(id, durationMs);
    }
  }
  return durations;
}

async function recordedCells(path: string): Promise<RecordedCell[]> {
  try {
    const record = JSON.parse(await readFile(path, "utf8")) as { cells?: unknown };
    return Array.isArray(record.cells) ? (record.cells as RecordedCell[]) : [];
  } catch {
    return [];
  }
}

/** The order to start cells in: skipped cells (instant) first, then cells of cases never timed (they
 * may be the longest), then the rest longest first, by their own last duration or, for a cell not
 * timed yet (a new kernel or arch), the mean of its case's other cells; ties keep matrix order. */
export function longestFirst(
  cells: readonly Cell[],
  durations: ReadonlyMap<string, number>,
): Cell[] {
  const estimates = caseMeans(durations);
  const rank = (cell: Cell): number =>
    cell.skipReason
      ? Infinity
      : (durations.get(cell.id) ?? estimates.get(caseOf(cell.id)) ?? Number.MAX_VALUE);
  return cells
    .map((cell, index) => ({ cell, index, rank: rank(cell) }))
    .sort((a, b) => b.rank - a.rank || a.index - b.index)
    .map(({ cell }) => cell);
}

// A cell id is "case/platform-arch-kernel[.rN]".
function caseOf(id: string): string {
  return id.slice(0, id.indexOf("/"));
}

function caseMeans(durations: ReadonlyMap<string, number>): Map<string, number> {
  const sums = new Map<string, { total: number; count: number }>();
  for (const [id, ms] of durations) {
    const sum = sums.get(caseOf(id)) ?? { total: 0, count: 0 };
    sums.set(caseOf(id), { total: sum.total + ms, count: sum.count + 1 });
  }
  return new Map([...sums].map(([name, { total, count }]) => [name, total / count]));
}
