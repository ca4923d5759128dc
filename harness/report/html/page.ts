// index.html as one self-contained page: header and verdict, status counts that filter, the grid,
// the cells that need attention, and every cell's details. No request leaves the file.
import type { CellRecord, RunRecord } from "../../results/run-record.ts";
import { STATUSES } from "../../results/status.ts";
import { formatDuration } from "../../util/duration.ts";
import { plural, type BaselineDiff } from "../baseline.ts";
import { CLIENT_SCRIPT } from "./client.ts";
import { detailsHtml, type CellView } from "./details.ts";
import { html, raw, type Html } from "./escape.ts";
import { gridHtml, searchText } from "./grid.ts";
import { historyHtml } from "./history.ts";
import type { RunHistory } from "../../results/history.ts";
import { reportCss } from "./style.ts";

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/** The page for a run; `views` hold each cell's details in run order. */
export function pageHtml(
  run: RunRecord,
  views: readonly CellView[],
  diff?: BaselineDiff,
  history?: RunHistory,
): string {
  const anchors = new Map(views.map((v) => [v.cell.id, v.anchor]));
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content="${CSP}" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${verdictWord(run)} · harness run ${run.runId}</title>
        <style>
          ${raw(reportCss())}
        </style>
      </head>
      <body>
        ${headerHtml(run, diff)} ${toolbarHtml(run, diff)}
        <div class="gridwrap">${gridHtml(run.cells, run.inputs, anchors, diff)}</div>
        ${problemsHtml(run.cells, anchors, diff)} ${historyHtml(history, run, anchors)}
        <div class="details">
          <p class="placeholder">Click a cell in the grid to see its timings, logs and failure.</p>
          ${views.map(detailsHtml)}
        </div>
        <script>
          ${raw(CLIENT_SCRIPT)};
        </script>
      </body>
    </html>`;
  return `${page.text}\n`;
}

function verdictWord(run: RunRecord): string {
  const c = run.counts;
  if (run.state === "interrupted") return "INTERRUPTED";
  if (c.fail + c.timeout > 0) return "FAILED";
  if (c.error > 0) return "ERRORS";
  return "PASSED";
}

function headerHtml(run: RunRecord, diff?: BaselineDiff): Html {
  const failing = run.counts.fail + run.counts.timeout + run.counts.error;
  const host = run.host;
  return html`<header>
    <h1>
      harness run ${run.runId}
      ${run.state === "interrupted" ? html`<span class="state">interrupted</span>` : ""}
    </h1>
    <p class="verdict">
      <b>${verdictWord(run)}</b> — ${plural(run.cells.length, "cell")}, ${failing} failing, in
      ${formatDuration(run.durationMs)} (exit code ${run.exitCode})
    </p>
    ${
      diff
        ? html`<p class="verdict">
            Compared with ${diff.baselineRunId}:
            <b>${plural(diff.newFailures.length, "new failure")}</b>,
            ${plural(diff.fixes.length, "fix", "fixes")}
          </p>`
        : ""
    }
    <p>
      started ${run.startedAt} on ${host.hostname} (${host.distro} ${host.distroVersion},
      ${host.arch}, ${plural(host.cpus, "cpu")}) · parallel ${run.inputs.parallel} · retries
      ${run.inputs.retries}${run.inputs.shard ? ` · shard ${run.inputs.shard}` : ""}
    </p>
    <p><code>harness ${run.inputs.argv.join(" ")}</code></p>
  </header>`;
}

function toolbarHtml(run: RunRecord, diff?: BaselineDiff): Html {
  const chips = STATUSES.filter((s) => run.counts[s] > 0).map(
    (status) =>
      html`<label class="chip s-${status}" title="show or hide ${status} cells"
        ><input type="checkbox" checked data-status="${status}" /><span class="count"
          >${run.counts[status]}</span
        >
        ${status}</label
      >`,
  );
  return html`<nav class="toolbar" aria-label="filters">
    <span class="chip plain">${run.cells.length} cells</span> ${chips}
    ${
      diff && diff.changes.size > 0
        ? html`<label class="chip changed off"
            ><input type="checkbox" id="changed" /> only changed since baseline</label
          >`
        : ""
    }
    <button type="button" id="only-problems">only problems</button>
    <button type="button" id="show-all">show all</button>
    <input
      id="filter"
      type="search"
      placeholder="filter by case, platform, arch, kernel or reason"
    />
    <span id="shown"></span>
  </nav>`;
}

function problemsHtml(
  cells: readonly CellRecord[],
  anchors: ReadonlyMap<string, string>,
  diff?: BaselineDiff,
): Html {
  const problems = cells.filter((c) => c.status !== "pass" && c.status !== "skip");
  if (problems.length === 0) return html``;
  return html`<section class="problems">
    <h3>Needs attention (${problems.length})</h3>
    <table>
      ${problems.map((cell) => {
        const change = diff?.changes.get(cell.id)?.change;
        const reason = (cell.reasons[0] ?? "").split("\n")[0] ?? "";
        return html`<tr
          class="problem${change ? ` ${change}` : ""}"
          data-status="${cell.status}"
          data-text="${searchText(cell)}"
        >
          <td><span class="badge s-${cell.status}">${cell.status}</span></td>
          <td>
            <a href="#${anchors.get(cell.id) ?? ""}">${cell.id}</a>${
              change === "new-failure" ? html` <b class="badge s-fail">new</b>` : ""
            }
          </td>
          <td>${reason}</td>
        </tr>`;
      })}
    </table>
  </section>`;
}
