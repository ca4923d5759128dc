// --verbose: follows one running cell's console.log as it grows, line by line, indented under the
// cell's name; when that cell finishes, the next running one is followed.
import { closeSync, openSync, readSync, fstatSync } from "node:fs";
import { join } from "node:path";
import type { Writable } from "node:stream";
import type { Cell } from "../../matrix/cells.ts";
import type { CellRecord } from "../../results/run-record.ts";
import { printable } from "../html/escape.ts";
import type { RunStart } from "./renderer.ts";
import { startTicker, type Ticker } from "./ticker.ts";

const POLL_MS = 250;
/** At most this much console is read per poll; a flood is skipped over, not buffered. */
const MAX_READ_BYTES = 64 * 1024;
const DEADLINE_MS = 24 * 60 * 60_000;

/** Follows consoles for the line view; cells queue up and are followed one at a time. */
export class ConsoleFollower {
  readonly #out: Writable;
  #runDir: string | undefined;
  readonly #queue: Cell[] = [];
  #current: { cell: Cell; offset: number; partial: string; announced: boolean } | undefined;
  #ticker: Ticker | undefined;

  constructor(out: Writable) {
    this.#out = out;
  }

  /** Learns where the run's cell folders are. */
  runStarted(run: RunStart): void {
    this.#runDir = run.runDir;
  }

  /** A cell started: follow it now, or once the cells before it finish. */
  cellStarted(cell: Cell): void {
    if (this.#current) this.#queue.push(cell);
    else this.#follow(cell);
  }

  /** A cell finished: print the rest of its console if it was followed, then move on. */
  cellFinished(record: CellRecord): void {
    const index = this.#queue.findIndex((c) => c.id === record.id);
    if (index >= 0) this.#queue.splice(index, 1);
    if (this.#current?.cell.id !== record.id) return;
    this.#poll();
    if (this.#current.partial) this.#write(this.#current.partial);
    this.#current = undefined;
    this.#ticker?.stop();
    this.#ticker = undefined;
    const next = this.#queue.shift();
    if (next) this.#follow(next);
  }

  /** Stops following. */
  close(): void {
    this.#ticker?.stop();
    this.#ticker = undefined;
    this.#current = undefined;
  }

  #follow(cell: Cell): void {
    this.#current = { cell, offset: 0, partial: "", announced: false };
    this.#ticker = startTicker(() => this.#poll(), POLL_MS, DEADLINE_MS);
  }

  // Synchronous reads keep polls from overlapping; each reads at most MAX_READ_BYTES.
  #poll(): void {
    const current = this.#current;
    const runDir = this.#runDir;
    if (!current || !runDir) return;
    let fd: number | undefined;
    try {
      fd = openSync(join(runDir, "cells", current.cell.id, "console.log"), "r");
      const size = fstatSync(fd).size;
      if (size < current.offset) current.offset = 0; // a retry started a new console.log
      if (size - current.offset > MAX_READ_BYTES) {
        this.#write(`… ${size - current.offset - MAX_READ_BYTES} bytes skipped`);
        current.offset = size - MAX_READ_BYTES;
        current.partial = "";
      }
      const buffer = Buffer.alloc(size - current.offset);
      const read = readSync(fd, buffer, 0, buffer.length, current.offset);
      current.offset += read;
      const pieces = (current.partial + buffer.subarray(0, read).toString("utf8")).split("\n");
      current.partial = pieces.pop() ?? "";
      for (const line of pieces) this.#write(line);
    } catch {
      // No console.log yet (the cell is still building); the next poll tries again.
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  // The cell's name goes above its first console line, so a finished cell's line comes first.
  #write(line: string): void {
    if (this.#current && !this.#current.announced) {
      this.#out.write(`──── console of ${this.#current.cell.id}\n`);
      this.#current.announced = true;
    }
    this.#out.write(`  │ ${printable(line)}\n`);
  }
}
