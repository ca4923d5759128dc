// One cell in full: why it ended as it did, its timings and attempts, the failing TAP lines, the
// console around the failure, how to run it again, and links to every log it left.
import type { AttemptRecord, CellRecord } from "../../results/run-record.ts";
import { formatDuration } from "../../util/duration.ts";
import type { Change } from "../baseline.ts";
import type { CellEvidence, Excerpt } from "./evidence.ts";
import { hrefOf, html, printable, type Html } from "./escape.ts";
import { testsHtml } from "./tests.ts";
import { timingsHtml } from "./timings.ts";
import { findingsHtml } from "./findings.ts";

/** What the details of one cell are made of. */
export interface CellView {
  cell: CellRecord;
  anchor: string;
  evidence: CellEvidence;
  change?: { change: Change; before: string };
  /** The case file, as the reader's checkout names it. */
  caseFile?: string;
  /** Shown when the page opens: the run's only failure. */
  open?: boolean;
}

/** The details section of one cell; shown when its grid box is clicked (`:target`). */
export function detailsHtml(view: CellView): Html {
  const { cell, evidence } = view;
  return html`<section
    class="${view.open ? "detail open" : "detail"}"
    id="${view.anchor}"
    data-id="${cell.id}"
  >
    <h2>
      <span class="badge s-${cell.status}">${cell.status.toUpperCase()}</span> ${cell.case}
      <span class="where"
        >${cell.platform} · ${cell.arch} ·
        ${cell.kernel}${cell.repeat > 1 ? ` · repeat ${cell.repeat}` : ""}</span
      >
      <a class="back" href="#grid">↑ grid</a>
    </h2>
    <p class="summary">${cell.summary}</p>
    ${view.change ? changeNote(view.change) : ""} ${reasonsHtml(cell)}
    <dl class="facts">
      <dt>duration</dt>
      <dd>${formatDuration(cell.durationMs)}</dd>
      ${
        cell.startedAt
          ? html`<dt>started</dt>
              <dd>${cell.startedAt}</dd>`
          : ""
      }
      <dt>attempts</dt>
      <dd>${cell.attempts.length}</dd>
      ${machineFacts(cell.attempts.at(-1))}
      ${
        view.caseFile
          ? html`<dt>case file</dt>
              <dd><code>${view.caseFile}</code></dd>`
          : ""
      }
    </dl>
    ${timingsHtml(cell)} ${testsHtml(cell.tests)}
    ${findingsHtml(cell.attempts.at(-1)?.kernelFindings)}
    ${evidence.failingTap ? excerptHtml("Failing TAP lines", evidence.failingTap) : ""}
    ${evidence.console ? excerptHtml("Console", evidence.console) : ""}
    ${cell.attempts.length > 1 ? attemptsHtml(cell.attempts) : ""} ${reproduceHtml(cell)}
    ${logsHtml(evidence, cell.dir)}
  </section>`;
}

function changeNote(change: { change: Change; before: string }): Html {
  return change.change === "new-failure"
    ? html`<p class="change new-failure">
        New failure: this cell was ${change.before} in the baseline.
      </p>`
    : html`<p class="change fixed">Fixed: this cell was ${change.before} in the baseline.</p>`;
}

// Reasons without the console tail a boot failure carries; the tail is shown as the console excerpt.
function reasonsHtml(cell: CellRecord): Html {
  if (cell.reasons.length === 0) return html``;
  const shown = cell.reasons.map((reason) => {
    const at = reason.indexOf("console tail:");
    return printable(at >= 0 ? reason.slice(0, at).trimEnd() : reason);
  });
  // A reason's later lines (a hint, what to do next) go on lines of their own, dimmed.
  const item = (reason: string) => {
    const [first, ...more] = reason.split("\n");
    return html`<li>
      ${first}${more.map((line) => html`<span class="more">${line.trim()}</span>`)}
    </li>`;
  };
  return html`<ul class="reasons">
    ${shown.map(item)}
  </ul>`;
}

function machineFacts(attempt: AttemptRecord | undefined): Html {
  const machine = attempt?.machine;
  if (!machine) return html``;
  return html`<dt>accelerator</dt>
    <dd>${machine.accelerator}</dd>
    ${
      machine.kernel
        ? html`<dt>kernel</dt>
            <dd>${machine.kernel.package} ${machine.kernel.version}</dd>`
        : ""
    }`;
}

/** A numbered log excerpt; the line that tells what went wrong is marked. */
export function excerptHtml(title: string, excerpt: Excerpt): Html {
  if (excerpt.lines.length === 0) return html`<h3>${title} <small>${excerpt.caption}</small></h3>`;
  return html`<h3>${title} <small>${excerpt.caption}</small></h3>
    <pre class="log">
${excerpt.lines.map(
        (line) =>
          html`<span class="${line.mark ? "line mark" : "line"}"
            ><i>${String(line.number).padStart(5)}</i> ${line.text}</span
          >`,
      )}</pre>`;
}

function attemptsHtml(attempts: readonly AttemptRecord[]): Html {
  return html`<h3>Attempts</h3>
    <table class="attempts">
      <tr>
        <th>#</th>
        <th>status</th>
        <th>duration</th>
        <th>why</th>
      </tr>
      ${attempts.map(
        (a) =>
          html`<tr>
            <td>${a.number}</td>
            <td><span class="badge s-${a.status}">${a.status}</span></td>
            <td>${formatDuration(a.durationMs)}</td>
            <td>${printable((a.reasons[0] ?? "").split("\n")[0] ?? "")}</td>
          </tr>`,
      )}
    </table>`;
}

function reproduceHtml(cell: CellRecord): Html {
  const commandFile = cell.attempts.at(-1)?.machine?.commandFile;
  return html`<h3>Run it again</h3>
    <pre class="command"><code>${cell.reproduce}</code></pre>
    ${
      commandFile
        ? html`<p>
            The exact command that started the guest, from the run folder:
            <code>sh ${cell.dir}/${commandFile}</code>
          </p>`
        : ""
    }`;
}

function logsHtml(evidence: CellEvidence, dir: string): Html {
  if (evidence.files.length === 0) return html`<p class="muted">No log files were kept.</p>`;
  return html`<h3>Logs</h3>
    <ul class="logs">
      ${evidence.files.map(
        (file) =>
          html`<li>
            <a href="${hrefOf(file.path)}">${file.path.slice(dir.length + 1)}</a>
            <small>${sizeText(file.sizeBytes)}</small>
          </li>`,
      )}
    </ul>`;
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
