// A log prefix in front of every line of a TAP/KTAP stream ("kunit: ", a journal's "Mar 01 10:00:01
// host check[212]: "), found where the stream's version line starts, as kunit.py finds it.

/** A version line with something in front of it: the text before it is the stream's prefix. */
const PREFIXED_VERSION = /^(.*?\S.*?)(K?TAP version \d+\s*)$/;

/** Strips the prefix the stream's version line came with from the lines that carry it. */
export interface LinePrefix {
  /** The line without the prefix; a line without it (another program's) comes back unchanged. */
  strip(line: string): string;
}

/**
 * The prefix a version line found inside `line` comes with, or undefined when the line holds none.
 * Digits in the prefix (times, pids) may differ from line to line; everything else must match.
 */
export function prefixBeforeVersion(line: string): LinePrefix | undefined {
  const match = PREFIXED_VERSION.exec(line);
  const prefix = match?.[1];
  // A comment that mentions a version line is not a prefix.
  if (prefix === undefined || prefix.trimStart().startsWith("#")) return undefined;
  const pattern = new RegExp(
    "^" +
      prefix
        .split(/\d+/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join("\\d+"),
  );
  return { strip: (text) => text.replace(pattern, "") };
}
