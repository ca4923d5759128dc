// The folders of the harness form layers, not a knot: following every import (types, re-exports and
// dynamic imports included) from one folder to another never leads back to where it started. A
// folder here is harness/<name>, the files at harness/'s top (shared vocabulary), or platforms/.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, normalize, relative, sep } from "node:path";
import { REPO } from "../helpers/cli.ts";

type Graph = Map<string, Map<string, string>>;

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

/** The folder a repository file belongs to, or undefined outside harness/ and platforms/. */
function folderOf(file: string): string | undefined {
  const parts = relative(REPO, file).split(sep);
  if (parts[0] === "platforms") return "platforms";
  if (parts[0] !== "harness") return undefined;
  return parts.length > 2 ? `harness/${parts[1]}` : "harness";
}

/** Folder → folder it imports → one file-level import showing it. */
async function folderGraph(): Promise<Graph> {
  const graph: Graph = new Map();
  for (const top of ["harness", "platforms"]) {
    const entries = await readdir(join(REPO, top), { withFileTypes: true, recursive: true });
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      const file = join(entry.parentPath, entry.name);
      const from = folderOf(file) as string;
      for (const match of (await readFile(file, "utf8")).matchAll(IMPORT)) {
        const target = normalize(join(dirname(file), match[1] as string));
        const to = folderOf(target);
        if (to === undefined || to === from) continue;
        const edges = graph.get(from) ?? new Map<string, string>();
        if (!edges.has(to)) edges.set(to, `${relative(REPO, file)} → ${relative(REPO, target)}`);
        graph.set(from, edges);
      }
    }
  }
  return graph;
}

/** The strongly connected groups of more than one folder (Tarjan), each a cycle. */
function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (stack.includes(w))
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w !== undefined) group.push(w);
      } while (w !== undefined && w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("the import graph between folders", () => {
  it("has no cycle", async () => {
    const graph = await folderGraph();
    assert.ok(graph.size >= 10, `only ${graph.size} folders import others`);
    const shown = cycles(graph).map((group) =>
      group
        .flatMap((a) => group.filter((b) => graph.get(a)?.has(b)).map((b) => graph.get(a)?.get(b)))
        .join("\n"),
    );
    assert.deepEqual(shown, []);
  });

  it("the check finds a cycle of three folders and passes layers", () => {
    const edge = (pairs: [string, string][]): Graph => {
      const g: Graph = new Map();
      for (const [a, b] of pairs)
        g.set(a, (g.get(a) ?? new Map<string, string>()).set(b, `${a}/x.ts → ${b}/y.ts`));
      return g;
    };
    assert.deepEqual(
      cycles(
        edge([
          ["run", "report"],
          ["report", "results"],
          ["results", "run"],
          ["cli", "run"],
        ]),
      ),
      [["report", "results", "run"]],
    );
    assert.deepEqual(
      cycles(
        edge([
          ["cli", "run"],
          ["run", "results"],
          ["cli", "results"],
        ]),
      ),
      [],
    );
  });
});
