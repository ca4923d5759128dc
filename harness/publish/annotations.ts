// Check-run annotations: one on the case file of each cell that did not pass, in batches of the 50
// GitHub takes per request.
import { isAbsolute, relative, sep } from "node:path";
import type { LinkedCell, LinkedRun } from "./links.ts";

/** One annotation as the Checks API takes it. */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
  raw_details?: string;
}

/** GitHub's limit per request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** Past this many the summary lists the rest; requests stay few under rate limits. */
const MAX_ANNOTATIONS = 500;
const MESSAGE_LIMIT = 64 * 1024 - 1;

const LEVEL: Partial<Record<LinkedCell["status"], Annotation["annotation_level"]>> = {
  fail: "failure",
  timeout: "failure",
  error: "warning",
  flaky: "notice",
};

/** Annotations for the cells that failed, erred or were flaky, on paths relative to `repoRoot`. */
export function annotationsFor(run: LinkedRun, repoRoot: string): Annotation[] {
  const annotations: Annotation[] = [];
  for (const cell of run.cells) {
    const level = LEVEL[cell.status];
    const path =
      cell.caseFile === undefined
        ? undefined
        : repoPath(cell.caseFile, run.inputs.casesDir, repoRoot);
    if (level === undefined || path === undefined) continue;
    const details = [
      `reproduce: ${cell.reproduce}`,
      ...(cell.logsUrl ? [`logs: ${cell.logsUrl}`] : []),
    ];
    annotations.push({
      path,
      start_line: 1,
      end_line: 1,
      annotation_level: level,
      title: `${cell.id}: ${cell.status}`,
      message: (cell.reasons.join("\n") || cell.status).slice(0, MESSAGE_LIMIT),
      raw_details: details.join("\n"),
    });
  }
  return annotations.slice(0, MAX_ANNOTATIONS);
}

/**
 * The case file's path inside the repository. The run may have happened in another checkout (a
 * shard's runner), so the part from the cases folder on is trusted over the absolute path.
 */
export function repoPath(caseFile: string, casesDir: string, repoRoot: string): string | undefined {
  const cases = casesDir
    .split(sep)
    .join("/")
    .replace(/^\.\/|\/$/g, "");
  const file = caseFile.split(sep).join("/");
  if (cases !== "" && cases !== "." && !cases.startsWith("../") && !isAbsolute(casesDir)) {
    const at = file.lastIndexOf(`/${cases}/`);
    if (at >= 0) return file.slice(at + 1);
  }
  const inside = relative(repoRoot, caseFile).split(sep).join("/");
  return inside === "" || inside.startsWith("../") || isAbsolute(inside) ? undefined : inside;
}

/** `items` in chunks of `size`. */
export function batches<T>(items: readonly T[], size = ANNOTATIONS_PER_REQUEST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
