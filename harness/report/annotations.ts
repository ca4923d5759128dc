// GitHub Actions annotations: one `::error file=…,line=…::…` workflow command per failing cell,
// on the case file, at the line that names the failing test when one does.
import { readFile } from "node:fs/promises";
import { isAbsolute, relative } from "node:path";
import type { CellRecord, RunRecord } from "../results/run-record.ts";
import { failingTests } from "../results/status.ts";

const LEVEL: Partial<Record<CellRecord["status"], "error" | "warning">> = {
  fail: "error",
  timeout: "error",
  error: "error",
  flaky: "warning",
};

/** The workflow commands for a run's failing and flaky cells; paths relative to `workspace`. */
export async function githubAnnotations(run: RunRecord, workspace: string): Promise<string[]> {
  const lines: string[] = [];
  for (const cell of run.cells) {
    const level = LEVEL[cell.status];
    if (!level) continue;
    const file = cell.caseFile;
    const line = file ? await lineNaming(file, cell) : undefined;
    const properties = [
      ...(file ? [`file=${property(isAbsolute(file) ? relative(workspace, file) : file)}`] : []),
      ...(line ? [`line=${line}`] : []),
      `title=${property(`${cell.status}: ${cell.id}`)}`,
    ];
    const message = [
      ...cell.reasons.map((r) => r.split("\n")[0] ?? ""),
      `reproduce: ${cell.reproduce}`,
    ].join("\n");
    lines.push(`::${level} ${properties.join(",")}::${data(message)}`);
  }
  return lines;
}

// The first line of the case file that names a failing or missing test or the bail-out reason; else 1.
async function lineNaming(file: string, cell: CellRecord): Promise<number> {
  const text = await readFile(file, "utf8").catch(() => "");
  const names = failingTests(cell.tests)
    .map((t) => t.name)
    .concat(cell.reasons.flatMap((r) => /^(?:missing test|bail out): (.+)$/.exec(r)?.[1] ?? []))
    .filter((name) => name.length > 2);
  const lines = text.split("\n");
  for (const name of names) {
    const index = lines.findIndex((line) => line.includes(name));
    if (index >= 0) return index + 1;
  }
  return 1;
}

/** Escapes a workflow command's message, as the runner's toolkit does. */
export function data(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a workflow command property value. */
export function property(text: string): string {
  return data(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
