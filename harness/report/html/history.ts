// The report's history section: for each cell of the run a row of small squares, one per earlier
// run and this one last (pass, fail, flaky, infrastructure error, not run), its flips and the tests
// that flip. Its style travels with it, so the shared stylesheet stays as it is.
import { cellKey } from "../../results/cell-status.ts";
import type { Mark, RunHistory, Track } from "../../results/history.ts";
import { flipText } from "../../results/history-md.ts";
import type { RunRecord } from "../../results/run-record.ts";
import { html, raw, type Html } from "./escape.ts";

const CSS = `
.history table { border-collapse: collapse; }
.history td { padding: 2px 8px 2px 0; vertical-align: middle; }
.squares { display: inline-flex; gap: 2px; }
.sq { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
.sq.m-pass { background: #2da44e; } .sq.m-fail { background: #cf222e; }
.sq.m-flaky { background: #d4a72c; } .sq.m-error { background: #57606a; }
.sq.m-none { background: transparent; outline: 1px solid #d0d7de; outline-offset: -1px; }
.history .flaky-tests { margin: 0 0 4px 16px; font-size: 90%; }
`;

/** The history section, or nothing without a history. */
export function historyHtml(
  history: RunHistory | undefined,
  run: RunRecord,
  anchors: ReadonlyMap<string, string>,
): Html {
  if (!history) return html``;
  const firstIds = new Map<string, string>();
  for (const cell of run.cells)
    if (!firstIds.has(cellKey(cell))) firstIds.set(cellKey(cell), cell.id);
  const rows = [...firstIds].flatMap(([key, id]) => {
    const cell = history.cells.get(key);
    return cell ? [rowHtml(key, cell, history.runIds, anchors.get(id) ?? "")] : [];
  });
  return html`<section class="history">
    <style>
      ${raw(CSS)}
    </style>
    <h3>History over the last ${history.runIds.length} runs</h3>
    <table>
      ${rows}
    </table>
  </section>`;
}

/** A row of squares for marks, oldest first, each titled with its run. */
export function squaresHtml(marks: readonly Mark[], runIds: readonly string[]): Html {
  return html`<span class="squares"
    >${marks.map(
      (mark, i) => html`<span class="sq m-${mark}" title="${runIds[i] ?? ""}: ${mark}"></span>`,
    )}</span
  >`;
}

function rowHtml(
  key: string,
  cell: Track & { tests: Map<string, Track> },
  runIds: readonly string[],
  anchor: string,
): Html {
  const flaky = [...cell.tests].filter(([, test]) => test.flaky);
  return html`<tr class="${cell.flaky ? "flaky" : ""}" data-cell="${key}">
      <td>
        <a href="#${anchor}">${key}</a
        >${cell.flaky ? html` <b class="badge s-flaky">flaky</b>` : ""}
      </td>
      <td>${squaresHtml(cell.marks, runIds)}</td>
      <td>${flipText(cell)}</td>
      <td>${cell.errors > 0 ? `${cell.errors} infrastructure errors` : ""}</td>
    </tr>
    ${flaky.map(
      ([path, test]) =>
        html`<tr class="flaky-test">
          <td class="flaky-tests">${path}</td>
          <td>${squaresHtml(test.marks, runIds)}</td>
          <td>${flipText(test)}</td>
          <td></td>
        </tr>`,
    )}`;
}
