// Writes index.html into a run directory from its record and the logs its cells left.
import { isAbsolute, join, relative } from "node:path";
import type { RunHistory } from "../../results/history.ts";
import type { RunRecord } from "../../results/run-record.ts";
import { writeFileAtomic } from "../../util/atomic-write.ts";
import type { BaselineDiff } from "../baseline.ts";
import type { CellView } from "./details.ts";
import { cellEvidence } from "./evidence.ts";
import { pageHtml } from "./page.ts";

const FAILING: ReadonlySet<string> = new Set(["fail", "timeout", "error"]);

/** How the report is made: a baseline comparison, and the folder paths are shown relative to. */
export interface HtmlReportOptions {
  diff?: BaselineDiff;
  cwd?: string;
  /** Each cell's results over recent runs, shown as a row of squares. */
  history?: RunHistory;
}

/** Writes `runDir/index.html` and returns its path. */
export async function writeHtmlReport(
  runDir: string,
  run: RunRecord,
  options: HtmlReportOptions = {},
): Promise<string> {
  const shown = options.cwd ? withRelativePaths(run, options.cwd) : run;
  const views: CellView[] = [];
  for (const [index, cell] of shown.cells.entries()) {
    const change = options.diff?.changes.get(cell.id);
    const caseFile = cell.caseFile ? shownPath(cell.caseFile, options.cwd) : undefined;
    views.push({
      cell,
      anchor: `cell-${index + 1}`,
      evidence: await cellEvidence(runDir, cell),
      ...(change ? { change } : {}),
      ...(caseFile ? { caseFile } : {}),
    });
  }
  // A run with one failure opens on it: there is nothing else to choose.
  const failing = views.filter((v) => FAILING.has(v.cell.status));
  if (failing.length === 1 && failing[0]) failing[0].open = true;
  const path = join(runDir, "index.html");
  await writeFileAtomic(path, pageHtml(shown, views, options.diff, options.history));
  return path;
}

// Case files are recorded absolute; inside the working folder they are shown relative to it.
function shownPath(path: string, cwd: string | undefined): string {
  if (!cwd || !isAbsolute(path)) return path;
  const inside = relative(cwd, path);
  return inside.startsWith("..") || isAbsolute(inside) ? path : inside;
}

// Reasons name files by absolute path (build errors, case files); a report is read on other
// machines, so paths inside the working folder are shown relative to it.
function withRelativePaths(run: RunRecord, cwd: string): RunRecord {
  const prefix = cwd.endsWith("/") ? cwd : `${cwd}/`;
  const strip = (text: string) => text.split(prefix).join("");
  return {
    ...run,
    cells: run.cells.map((cell) => ({
      ...cell,
      reasons: cell.reasons.map(strip),
      attempts: cell.attempts.map((attempt) => ({
        ...attempt,
        reasons: attempt.reasons.map(strip),
        phases: attempt.phases.map((phase) =>
          phase.error === undefined ? phase : { ...phase, error: strip(phase.error) },
        ),
      })),
    })),
  };
}
