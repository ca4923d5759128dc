// Labels with rtf's semantics: "-l a,b,!c" sets a and b and unsets c; cases opt in or out by label.
import { inputError } from "../errors.ts";

/** Labels that are set and labels that are negated ("!x"). */
export interface LabelSet {
  set: ReadonlySet<string>;
  unset: ReadonlySet<string>;
}

const LABEL = /^[A-Za-z0-9_.+-]+$/;

/** An empty label set. */
export const NO_LABELS: LabelSet = { set: new Set(), unset: new Set() };

/** Parses "a,b,!c"; `where` names the flag or file for the error message. */
export function parseLabels(expression: string, where: string): LabelSet {
  const set = new Set<string>();
  const unset = new Set<string>();
  if (expression.trim() === "") return { set, unset };
  for (const raw of expression.split(",")) {
    const item = raw.trim();
    const negated = item.startsWith("!");
    const name = negated ? item.slice(1) : item;
    if (!LABEL.test(name)) {
      throw inputError(
        "ELABELS",
        `bad label ${JSON.stringify(raw)} in ${where} ${JSON.stringify(expression)}`,
        {
          hint: 'labels are comma-separated names of letters, digits, "_", ".", "+" or "-", each optionally prefixed by "!", e.g. -l kernel,!slow',
        },
      );
    }
    (negated ? unset : set).add(name);
  }
  return { set, unset };
}

/** Parses a list of label strings (from case.yml or a script header). */
export function labelsFromList(items: readonly string[], where: string): LabelSet {
  return parseLabels(items.join(","), where);
}

/** Union of two label sets; the first wins nothing, both contribute. */
export function mergeLabels(a: LabelSet, b: LabelSet): LabelSet {
  return { set: new Set([...a.set, ...b.set]), unset: new Set([...a.unset, ...b.unset]) };
}

/**
 * Whether something labelled `own` runs under the active labels, as rtf decides:
 * if it has labels, at least one must be active; none of its "!" labels may be active;
 * and none of its labels may be negated on the command line.
 */
export function labelsAllow(own: LabelSet, active: LabelSet): boolean {
  if (own.set.size > 0 && ![...own.set].some((label) => active.set.has(label))) return false;
  if ([...own.unset].some((label) => active.set.has(label))) return false;
  if ([...active.unset].some((label) => own.set.has(label))) return false;
  return true;
}

/** Labels as "a, !b" for listings. */
export function formatLabels(labels: LabelSet): string {
  return [...[...labels.unset].map((l) => `!${l}`), ...labels.set].join(", ");
}

/** Labels as a sorted array of "a" and "!b" for JSON. */
export function labelList(labels: LabelSet): string[] {
  return [...[...labels.set].sort(), ...[...labels.unset].sort().map((l) => `!${l}`)];
}
