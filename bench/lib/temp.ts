// One scratch folder for everything a benchmark run writes (logs, copies), removed at the end.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

let root: Promise<string> | undefined;
let count = 0;

/** A fresh folder under the benchmark's scratch folder, named after `what`. */
export async function scratch(what: string): Promise<string> {
  root ??= mkdtemp(join(tmpdir(), "harness-bench-"));
  return mkdtemp(join(await root, `${what}-${count++}-`));
}

/** Removes the scratch folder and everything in it. */
export async function removeScratch(): Promise<void> {
  if (root) await rm(await root, { recursive: true, force: true });
  root = undefined;
}
