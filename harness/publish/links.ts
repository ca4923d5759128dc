// Links to a run's logs: the `publish.logsUrl` template expanded for the run and for each cell.
import type { CellRecord, RunRecord } from "../results/run-record.ts";

/** The placeholders a logs URL template may use. */
export const LOGS_URL_FIELDS = ["runId", "cellDir", "branch"] as const;

/** A cell with the link to its logs. */
export type LinkedCell = CellRecord & { logsUrl?: string };
/** A run whose cells (and the run itself) carry links to their logs. */
export type LinkedRun = Omit<RunRecord, "cells"> & { logsUrl?: string; cells: LinkedCell[] };

/** What the placeholders stand for. */
export interface LinkValues {
  runId: string;
  /** The cell's folder inside the run ("cells/<case>/<cell>"); "" for the run itself. */
  cellDir: string;
  /** The logs-repository branch holding the run. */
  branch: string;
}

/** Expands `template`; an empty {cellDir} leaves no stray slash behind. */
export function expandLogsUrl(template: string, values: LinkValues): string {
  const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");
  const expanded = template
    .replaceAll("{runId}", encodeURIComponent(values.runId))
    .replaceAll("{cellDir}", encodePath(values.cellDir))
    .replaceAll("{branch}", encodePath(values.branch));
  const [scheme, rest] = splitScheme(expanded);
  return scheme + rest.replace(/\/{2,}/g, "/").replace(/\/+(?=$|[?#])/, "");
}

function splitScheme(url: string): [string, string] {
  const match = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  return match ? [match[0], url.slice(match[0].length)] : ["", url];
}

/** The run with `logsUrl` on the run and on every cell; unchanged without a template. */
export function withLogLinks(
  run: RunRecord,
  template: string | undefined,
  branch: string,
): LinkedRun {
  if (template === undefined) return run;
  const link = (cellDir: string) => expandLogsUrl(template, { runId: run.runId, cellDir, branch });
  return {
    ...run,
    logsUrl: link(""),
    cells: run.cells.map((cell) => ({ ...cell, logsUrl: link(cell.dir) })),
  };
}
