// KTAP v1 (the kernel's TAP dialect) rewritten line by line into TAP 14 that tap-parser reads.

/**
 * KTAP indents subtests by 2 spaces per level and marks them with their own "KTAP version 1";
 * TAP 14 indents by 4. Nested version lines are dropped (undefined). Directives are left for the collector.
 */
export function normalizeKtapLine(line: string): string | undefined {
  const indent = /^( *)/.exec(line)?.[1]?.length ?? 0;
  const level = Math.floor(indent / 2);
  const body = line.slice(indent);
  if (/^KTAP version \d+\s*$/.test(body)) {
    // A nested version line only opens a subtest, which the indentation already says.
    return level === 0 ? "TAP version 14" : undefined;
  }
  if (level > 0 && /^# Subtest:/.test(body)) return `${"    ".repeat(level - 1)}${body}`;
  return `${"    ".repeat(level)}${body}`;
}
