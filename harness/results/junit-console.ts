// The console's last lines of each cell that did not pass, for junit.xml's system-out: a CI tool
// shows them beside the failure without the run folder.
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord } from "./run-record.ts";

const TAIL_LINES = 40;
const TAIL_BYTES = 64 * 1024;
const SHOWN = new Set(["fail", "error", "timeout", "flaky"]);

/** Each failing or flaky cell's last console lines, by cell id; cells without a console.log are left out. */
export async function consoleTails(
  runDir: string,
  run: Pick<RunRecord, "cells">,
): Promise<Map<string, string[]>> {
  const tails = new Map<string, string[]>();
  for (const cell of run.cells) {
    if (!SHOWN.has(cell.status)) continue;
    const tail = await lastLines(join(runDir, cell.dir, "console.log"));
    if (tail && tail.length > 0) tails.set(cell.id, tail);
  }
  return tails;
}

async function lastLines(path: string): Promise<string[] | undefined> {
  const file = await open(path, "r").catch(() => undefined);
  if (!file) return undefined;
  try {
    const { size } = await file.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    const lines = buffer.toString("utf8").split("\n");
    if (size > length) lines.shift(); // the first line is cut
    if (lines.at(-1) === "") lines.pop();
    return lines.slice(-TAIL_LINES);
  } finally {
    await file.close();
  }
}
