// What the regression issues say: a stable title per cell, a body with a hidden marker naming the
// cell (how the issue is found again), the run it last passed in and what changed since, and the
// comments for a repeat failure and for a fix.
import { describeChange } from "../results/attribution.ts";
import type { CellDiff } from "../results/compare.ts";
import type { Redact } from "../util/redact.ts";

/** GitHub refuses issue bodies and comments past 65536 characters. */
const BODY_LIMIT = 60_000;
const MARKER = /<!-- harness-cell: (\S+) -->/;

/** The run an issue talks about. */
export interface IssueRuns {
  currentRunId: string;
  currentUrl?: string;
}

/** The cell an issue body belongs to, from its marker; undefined for other issues. */
export function cellOfIssue(body: string | null | undefined): string | undefined {
  return MARKER.exec(body ?? "")?.[1];
}

/** "Regression: CASE on PLATFORM ARCH KERNEL": one title per cell. */
export function issueTitle(cell: CellDiff): string {
  return `Regression: ${cell.case} on ${cell.platform} ${cell.arch} ${cell.kernel}`;
}

/** The body of a new issue for a confirmed regression. */
export function issueBody(cell: CellDiff, runs: IssueRuns, redact: Redact): string {
  const since = cell.lastGoodRunId ? ` (it last passed in \`${cell.lastGoodRunId}\`)` : "";
  const lines = [
    `<!-- harness-cell: ${cell.key} -->`,
    `\`${cell.key}\` fails in nightly run ${runLink(runs)}${since}; re-runs confirmed it.`,
    "",
    `- case: \`${cell.case}\``,
    `- platform: ${cell.platform}, arch: ${cell.arch}, kernel: \`${cell.kernel}\``,
    `- status: ${cell.after ?? "unknown"}`,
    ...(cell.logsUrl ? [`- logs: ${cell.logsUrl}`] : []),
    "",
    ...whatChanged(cell),
    ...whyAndHow(cell),
    "This issue is kept by the nightly workflow (`harness issues`): a later failure adds a comment, a",
    "later nightly where the cell passes closes it.",
  ];
  return fit(redact(lines.join("\n")));
}

/** The comment when the cell fails again (and the issue is reopened if it was closed). */
export function againComment(cell: CellDiff, runs: IssueRuns, redact: Redact): string {
  const lines = [
    `Fails again in nightly run ${runLink(runs)} (${cell.after ?? "failing"}).`,
    ...(cell.logsUrl ? ["", `Logs: ${cell.logsUrl}`] : []),
    "",
    ...whatChanged(cell),
    ...whyAndHow(cell),
  ];
  return fit(redact(lines.join("\n")));
}

/** The comment when a later nightly passes the cell and the issue is closed. */
export function passedComment(runs: IssueRuns, redact: Redact): string {
  return fit(redact(`Passes in nightly run ${runLink(runs)}; closing.`));
}

// The tests that newly fail and the inputs that differ from the run where the cell last passed.
function whatChanged(cell: CellDiff): string[] {
  const tests = (cell.tests?.regressions ?? []).slice(0, 20).map((t) => `- \`${t}\``);
  const lines = tests.length > 0 ? ["Newly failing tests:", "", ...tests, ""] : [];
  if (cell.lastGoodRunId === undefined || cell.changes === undefined) return lines;
  const changes = cell.changes.map((c) => `- ${describeChange(c)}`);
  return [
    ...lines,
    `What changed since \`${cell.lastGoodRunId}\`:`,
    "",
    ...(changes.length > 0
      ? changes
      : ["- no recorded input (kernel, image, harness, case) changed"]),
    "",
  ];
}

function whyAndHow(cell: CellDiff): string[] {
  const why = cell.reasons.slice(0, 10).join("\n");
  return [
    ...(why ? ["Why:", "", "```", why.replace(/```/g, "'''"), "```", ""] : []),
    ...(cell.reproduce ? ["Reproduce:", "", "```sh", cell.reproduce, "```", ""] : []),
  ];
}

function runLink(runs: IssueRuns): string {
  return runs.currentUrl
    ? `[\`${runs.currentRunId}\`](${runs.currentUrl})`
    : `\`${runs.currentRunId}\``;
}

function fit(text: string): string {
  return text.length <= BODY_LIMIT ? text : `${text.slice(0, BODY_LIMIT)}\n\n… (cut)`;
}
