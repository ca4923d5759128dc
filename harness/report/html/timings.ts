// Where a cell's time went: its lifecycle phases as one bar, and the boot stages the console showed.
import type { CellRecord } from "../../results/run-record.ts";
import { formatDuration } from "../../util/duration.ts";
import { html, type Html } from "./escape.ts";

const STAGES = ["firmware", "kernel", "init", "test", "result", "poweroff", "fatal", "verdict"];

/** The phases of the last attempt as a proportional bar, and its boot stage times. */
export function timingsHtml(cell: CellRecord): Html {
  const attempt = cell.attempts.at(-1);
  if (!attempt) return html``;
  const ran = attempt.phases.filter((p) => p.outcome !== "skipped");
  const total = Math.max(
    1,
    ran.reduce((sum, p) => sum + p.durationMs, 0),
  );
  const bar = ran.map((phase) => {
    const percent = Math.max(0.5, (100 * phase.durationMs) / total);
    const label = `${phase.name} ${formatDuration(phase.durationMs)}${phase.error ? ` — ${phase.error.split("\n")[0]}` : ""}`;
    return html`<span
      class="phase p-${phase.name}${phase.outcome === "failed" ? " failed" : ""}"
      style="width:${percent.toFixed(2)}%"
      title="${label}"
      >${percent > 12 ? label.split(" — ")[0] : ""}</span
    >`;
  });
  const legend = attempt.phases.map(
    (phase) =>
      html`<li class="${phase.outcome}">
        ${phase.name}:
        ${phase.outcome === "skipped" ? "skipped" : formatDuration(phase.durationMs)}${
          phase.outcome === "failed" ? html` <b>failed</b>` : ""
        }
      </li>`,
  );
  return html`<h3>Timings</h3>
    <div class="bar">${bar}</div>
    <ul class="phases">
      ${legend}
    </ul>
    ${stagesHtml(attempt.machine?.stagesMs)}`;
}

function stagesHtml(stagesMs: Record<string, number> | undefined): Html {
  if (!stagesMs) return html``;
  const seen = STAGES.filter((stage) => stagesMs[stage] !== undefined);
  if (seen.length === 0) return html``;
  return html`<p class="stages">
    Boot stages (from the machine's start):
    ${seen.map(
      (stage, index) =>
        html`${index > 0 ? " → " : ""}<span class="stage st-${stage}"
            >${stage} ${formatDuration(stagesMs[stage] ?? 0)}</span
          >`,
    )}
  </p>`;
}
