// "Did you mean …?" for mistyped names: the closest valid choice by edit distance.

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The valid choice closest to `value`, if any is close enough to be a likely typo. */
export function closest(value: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const choice of choices) {
    const distance = editDistance(value.toLowerCase(), choice.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [choice, distance];
  }
  const limit = Math.max(2, Math.ceil(value.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** A hint naming the closest choice and listing all valid ones. */
export function choicesHint(value: string, choices: readonly string[]): string {
  const near = closest(value, choices);
  const list = `valid: ${choices.join(", ")}`;
  return near ? `did you mean "${near}"? (${list})` : list;
}
