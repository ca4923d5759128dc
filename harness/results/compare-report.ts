// A comparison of two runs written out: JSON for other tools (the nightly's issue step) and Markdown
// for a GitHub job summary.
import type { CellDiff, RunComparison } from "./compare.ts";
import { describeChange } from "./attribution.ts";
import { historySquares } from "./history-md.ts";
import { ICON } from "./summary-md.ts";

/** compare.json: the comparison's lists, without the unchanged cells. */
export interface ComparisonJson {
  schemaVersion: 1;
  baseline: RunComparison["baseline"];
  current: RunComparison["current"];
  /** The earlier runs' ids, oldest first. */
  history: string[];
  counts: Record<Section, number>;
  regressions: CellDiff[];
  fixes: CellDiff[];
  flakes: CellDiff[];
  new: CellDiff[];
  vanished: CellDiff[];
  stillFailing: CellDiff[];
}

type Section = "regressions" | "fixes" | "flakes" | "new" | "vanished" | "stillFailing";

/** The comparison as the JSON document `harness compare --json` writes. */
export function comparisonJson(comparison: RunComparison): ComparisonJson {
  const lists = sections(comparison);
  return {
    schemaVersion: 1,
    baseline: comparison.baseline,
    current: comparison.current,
    history: comparison.history,
    counts: Object.fromEntries(lists.map(([name, cells]) => [name, cells.length])) as Record<
      Section,
      number
    >,
    ...(Object.fromEntries(lists) as Record<Section, CellDiff[]>),
  };
}

const TITLES: Record<Section, string> = {
  regressions: "❌ Regressions (passed before, or a test passed before, fail now)",
  fixes: "✅ Fixes (failed before, pass now)",
  flakes: "🔁 Flaky (failed and passed in this run, or flips within the history)",
  new: "🆕 New cells",
  vanished: "👻 Vanished cells (in the baseline only)",
  stillFailing: "Still failing",
};

/** The comparison as Markdown: one line of counts, then a table per non-empty list. */
export function comparisonMarkdown(comparison: RunComparison): string {
  const lists = sections(comparison);
  const counts = lists.map(([name, cells]) => counted(name, cells.length)).join(", ");
  const earlier = comparison.history.length;
  const lines = [
    `## Compared with ${comparison.baseline.runId}${earlier > 1 ? ` and ${earlier - 1} earlier ${earlier === 2 ? "run" : "runs"}` : ""}`,
    "",
    `${comparison.current.runId}: ${counts}.`,
    "",
  ];
  for (const [name, cells] of lists) {
    if (cells.length === 0) continue;
    lines.push(
      `### ${TITLES[name]}`,
      "",
      "| cell | before | now | why | tests | since it last passed | history |",
      "|---|---|---|---|---|---|---|",
    );
    for (const cell of cells) lines.push(row(cell));
    lines.push("");
  }
  return lines.join("\n");
}

function sections(comparison: RunComparison): [Section, CellDiff[]][] {
  return [
    ["regressions", comparison.regressions],
    ["fixes", comparison.fixes],
    ["flakes", comparison.flakes],
    ["new", comparison.added],
    ["vanished", comparison.vanished],
    ["stillFailing", comparison.stillFailing],
  ];
}

const LABELS: Record<Section, [string, string]> = {
  regressions: ["regression", "regressions"],
  fixes: ["fix", "fixes"],
  flakes: ["flaky", "flaky"],
  new: ["new", "new"],
  vanished: ["vanished", "vanished"],
  stillFailing: ["still failing", "still failing"],
};

function counted(name: Section, count: number): string {
  return `${count} ${LABELS[name][count === 1 ? 0 : 1]}`;
}

function row(cell: CellDiff): string {
  const status = (s: string | undefined) => (s === undefined ? "—" : `${ICON[s] ?? ""} ${s}`);
  const why = (cell.reasons[0] ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ").slice(0, 160);
  const name = cell.logsUrl ? `[\`${cell.key}\`](${cell.logsUrl})` : `\`${cell.key}\``;
  return `| ${name} | ${status(cell.before)} | ${status(cell.after)} | ${why} | ${testsText(cell)} | ${sinceText(cell)} | ${historySquares(cell.history ?? [])} |`;
}

function testsText(cell: CellDiff): string {
  const list = (label: string, paths: readonly string[] = []) =>
    paths.length === 0 ? [] : [`${label}: ${paths.map((p) => `\`${cellText(p)}\``).join(", ")}`];
  return [
    ...list("newly failing", cell.tests?.regressions),
    ...list("fixed", cell.tests?.fixes),
    ...list("flaky", cell.tests?.flaky),
  ].join("; ");
}

function sinceText(cell: CellDiff): string {
  // Only failing cells carry changes: what differs between their last pass and now.
  if (cell.changes === undefined || cell.lastGoodRunId === undefined) return "";
  const changes = cell.changes.map(describeChange).map(cellText);
  return `${cell.lastGoodRunId}: ${changes.length > 0 ? changes.join("; ") : "no recorded input changed"}`;
}

function cellText(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
