// The benchmark's one table: a Markdown table (so it can go into the README as printed) of every
// measure, its value, its goal and whether the goal is met.

/** One row of the table. */
export interface Row {
  measure: string;
  value: string;
  goal: string;
  /** undefined for rows that only inform (a reference, or numbers not measured in this run). */
  met?: boolean;
}

/** The rows as a Markdown table with aligned columns. */
export function formatTable(rows: readonly Row[]): string {
  const cells = [
    ["measure", "value", "goal", "met"],
    ...rows.map((r) => [r.measure, r.value, r.goal, r.met === undefined ? "" : verdict(r.met)]),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) =>
    `| ${c.map((text, i) => (i === 1 ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i === 1 ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  const [head = [], ...body] = cells;
  return [line(head), rule, ...body.map(line)].join("\n");
}

function verdict(met: boolean): string {
  return met ? "met" : "NOT met";
}
