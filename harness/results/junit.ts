// junit.xml for CI tools: one testsuite per case, one testcase per cell.
import type { CellRecord, KernelFindingRecord, RunRecord } from "./run-record.ts";
import { findingReason } from "./kernel-findings.ts";

/** XML-escapes text, dropping characters XML cannot carry. */
export function xmlEscape(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters; they are removed on purpose.
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
  );
}

/** The run as a JUnit XML document. */
export function junitXml(run: RunRecord): string {
  const byCase = new Map<string, CellRecord[]>();
  for (const cell of run.cells) byCase.set(cell.case, [...(byCase.get(cell.case) ?? []), cell]);
  const suites = [...byCase].map(([name, cells]) => suite(name, cells));
  const c = run.counts;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="harness ${xmlEscape(run.runId)}" tests="${run.cells.length}" failures="${c.fail + c.timeout}" errors="${c.error}" skipped="${c.skip + c.cancel}" time="${seconds(run.durationMs)}">`,
    ...suites,
    `</testsuites>`,
    "",
  ].join("\n");
}

function suite(name: string, cells: CellRecord[]): string {
  const failures = cells.filter((c) => c.status === "fail" || c.status === "timeout").length;
  const errors = cells.filter((c) => c.status === "error").length;
  const skipped = cells.filter((c) => c.status === "skip" || c.status === "cancel").length;
  const time = cells.reduce((sum, c) => sum + c.durationMs, 0);
  return [
    `  <testsuite name="${xmlEscape(name)}" tests="${cells.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(time)}">`,
    ...cells.map(testcase),
    `  </testsuite>`,
  ].join("\n");
}

function testcase(cell: CellRecord): string {
  const open = `    <testcase classname="${xmlEscape(cell.case)}" name="${xmlEscape(cellLabel(cell))}" time="${seconds(cell.durationMs)}"`;
  const message = xmlEscape(cell.reasons[0] ?? cell.status);
  const findings = cell.attempts.at(-1)?.kernelFindings ?? [];
  const body = xmlEscape(
    `${cell.reasons.join("\n")}\nreproduce: ${cell.reproduce}\nlogs: ${cell.dir}${findingsText(findings)}`,
  );
  switch (cell.status) {
    case "fail":
    case "timeout":
      return `${open}>\n      <failure type="${cell.status}" message="${message}">${body}</failure>\n    </testcase>`;
    case "error":
      return `${open}>\n      <error type="error" message="${message}">${body}</error>\n    </testcase>`;
    case "skip":
    case "cancel":
      return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
    case "flaky":
      return `${open}>\n      <system-out>${xmlEscape(`flaky: ${cell.reasons.join("; ")}`)}</system-out>\n    </testcase>`;
    default:
      return findings.length > 0
        ? `${open}>\n      <system-out>${xmlEscape(findingsText(findings).trimStart())}</system-out>\n    </testcase>`
        : `${open}/>`;
  }
}

// Each kernel report with its console lines, so a CI tool shows the trace beside the failure.
function findingsText(findings: readonly KernelFindingRecord[]): string {
  return findings
    .map((f) => {
      const allowed = f.allowedBy ? ` (allowed: ${f.allowedBy.reason})` : "";
      return `\n\n${findingReason(f)}${allowed}\n${f.excerpt.join("\n")}`;
    })
    .join("");
}

/** "platform-arch-kernel" (with the repetition) for a cell. */
export function cellLabel(cell: CellRecord): string {
  return cell.id.slice(cell.id.lastIndexOf("/") + 1);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
