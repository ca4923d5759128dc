// The matrix as a table: a row per case, a column per platform/arch/kernel, a coloured box per cell.
import type { CellRecord } from "../../results/run-record.ts";
import { formatDuration } from "../../util/duration.ts";
import type { BaselineDiff } from "../baseline.ts";
import { html, type Html } from "./escape.ts";
import { compareText } from "../../util/compare.ts";

/** One column of the grid. */
export interface Column {
  platform: string;
  arch: string;
  kernel: string;
  key: string;
}

/** One row: a case and its cells by column key (several when the case repeats). */
export interface Row {
  caseName: string;
  summary: string;
  slots: Map<string, CellRecord[]>;
}

/** The order columns follow: the run's own lists of platforms, arches and kernels. */
export interface ColumnOrder {
  platforms: readonly string[];
  arches: readonly string[];
  kernels: readonly string[];
}

/** Rows in the order cases first appear; columns in the run's platform, arch, kernel order. */
export function gridOf(
  cells: readonly CellRecord[],
  order: ColumnOrder = { platforms: [], arches: [], kernels: [] },
): { rows: Row[]; columns: Column[] } {
  const columns = new Map<string, Column>();
  const rows = new Map<string, Row>();
  for (const cell of cells) {
    const key = columnKey(cell);
    if (!columns.has(key))
      columns.set(key, { platform: cell.platform, arch: cell.arch, kernel: cell.kernel, key });
    let row = rows.get(cell.case);
    if (!row) {
      row = { caseName: cell.case, summary: cell.summary, slots: new Map() };
      rows.set(cell.case, row);
    }
    row.slots.set(key, [...(row.slots.get(key) ?? []), cell]);
  }
  const sorted = [...columns.values()].sort(
    (a, b) =>
      compareIn(order.platforms, a.platform, b.platform) ||
      compareIn(order.arches, a.arch, b.arch) ||
      compareIn(order.kernels, a.kernel, b.kernel),
  );
  return { rows: [...rows.values()], columns: sorted };
}

// Listed values in their list's order, then the rest alphabetically.
function compareIn(list: readonly string[], a: string, b: string): number {
  const [x, y] = [list.indexOf(a), list.indexOf(b)].map((i) => (i < 0 ? list.length : i)) as [
    number,
    number,
  ];
  return x - y || compareText(a, b);
}

/** "platform/arch/kernel", the column a cell belongs to. */
export function columnKey(cell: Pick<CellRecord, "platform" | "arch" | "kernel">): string {
  return `${cell.platform}/${cell.arch}/${cell.kernel}`;
}

/** The grid as an HTML table; `anchors` maps a cell id to its details' element id. */
export function gridHtml(
  cells: readonly CellRecord[],
  order: ColumnOrder,
  anchors: ReadonlyMap<string, string>,
  diff?: BaselineDiff,
): Html {
  const { rows, columns } = gridOf(cells, order);
  const header = (["platform", "arch", "kernel"] as const).map(
    (level) =>
      html`<tr class="level">
        <th scope="row">${level}</th>
        ${spans(columns, level).map(([text, span]) => html`<th colspan="${span}">${text}</th>`)}
      </tr>`,
  );
  const body = rows.map(
    (row) =>
      html`<tr class="case" data-case="${row.caseName}">
        <th scope="row" title="${row.summary}">${row.caseName}<small>${row.summary}</small></th>
        ${columns.map((column) => slotHtml(row.slots.get(column.key) ?? [], anchors, diff))}
      </tr>`,
  );
  return html`<table class="grid" id="grid">
    <thead>
      ${header}
    </thead>
    <tbody>
      ${body}
    </tbody>
  </table>`;
}

// Consecutive equal values of one header level merged into one spanning header cell.
function spans(
  columns: readonly Column[],
  level: "platform" | "arch" | "kernel",
): [string, number][] {
  const depth = ["platform", "arch", "kernel"].indexOf(level);
  const prefix = (c: Column) => [c.platform, c.arch, c.kernel].slice(0, depth + 1).join("/");
  const out: [string, number][] = [];
  let last: string | undefined;
  for (const column of columns) {
    const key = prefix(column);
    const tail = out[out.length - 1];
    if (key === last && tail) tail[1]++;
    else out.push([column[level], 1]);
    last = key;
  }
  return out;
}

function slotHtml(
  cells: readonly CellRecord[],
  anchors: ReadonlyMap<string, string>,
  diff?: BaselineDiff,
): Html {
  if (cells.length === 0) return html`<td class="none" title="not in this run">·</td>`;
  return html`<td>${cells.map((cell) => cellLink(cell, anchors.get(cell.id) ?? "", diff))}</td>`;
}

function cellLink(cell: CellRecord, anchor: string, diff?: BaselineDiff): Html {
  const change = diff?.changes.get(cell.id)?.change;
  const text = searchText(cell);
  const title = `${cell.id}: ${cell.status}${cell.reasons[0] ? ` — ${cell.reasons[0].split("\n")[0]}` : ""}`;
  return html`<a
    class="cell s-${cell.status}${change ? ` ${change}` : ""}"
    href="#${anchor}"
    data-status="${cell.status}"
    data-text="${text}"
    title="${title}"
    >${cell.status.toUpperCase()}${cell.repeat > 1 ? html`<sup>#${cell.repeat}</sup>` : ""}<small>${cell.status === "skip" ? "" : formatDuration(cell.durationMs)}</small>${change === "new-failure" ? html`<b class="tag">new</b>` : ""}${
      change === "fixed" ? html`<b class="tag">fixed</b>` : ""
    }</a
  >`;
}

/** What the text filter matches a cell against: its id, its case's summary, its reasons' first lines. */
export function searchText(cell: CellRecord): string {
  return [cell.id, cell.summary, ...cell.reasons.map((r) => r.split("\n")[0])]
    .join(" ")
    .toLowerCase();
}
