// The kernel reports a cell's console showed: what each was, when, whether the case allowed it,
// and the report's own lines with its title marked.
import type { KernelFindingRecord } from "../../results/run-record.ts";
import { CLASS_TITLES } from "../../console/kernel-reports.ts";
import { html, printable, type Html } from "./escape.ts";

/** The "Kernel findings" section of a cell's details; empty when there were none. */
export function findingsHtml(findings: readonly KernelFindingRecord[] | undefined): Html {
  if (!findings || findings.length === 0) return html``;
  return html`<h3>Kernel findings <small>${findings.length} on the console</small></h3>
    ${findings.map(findingHtml)}`;
}

function findingHtml(finding: KernelFindingRecord): Html {
  const verdict = finding.allowedBy
    ? html`<span class="finding-allowed">allowed: ${finding.allowedBy.reason}</span>`
    : html`<span class="finding-${finding.effect}"
        >${finding.effect === "error" ? "ended the cell" : "fails the cell"}</span
      >`;
  const kernelTime =
    finding.kernelTimeS === undefined ? "" : ` (kernel time ${finding.kernelTimeS.toFixed(6)})`;
  return html`<p class="finding">
      <strong>${CLASS_TITLES[finding.class]}</strong> at +${(finding.atMs / 1000).toFixed(3)}s of
      console.log${kernelTime} — ${verdict}
    </p>
    <pre class="log">
${finding.excerpt.map(
        (line) =>
          html`<span class="${line.includes(finding.line) ? "line mark" : "line"}"
            >${printable(line)}</span
          >`,
      )}</pre>`;
}
