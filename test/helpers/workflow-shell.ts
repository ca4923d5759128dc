// Just enough shell reading for the workflow checks: the harness command lines a `run:` script
// holds (subcommand, flags, presets), and the variables it reads, sets and exports to later steps.

/** One `bin/harness SUBCOMMAND …` (or `npx harness …`) of a script. */
export interface HarnessLine {
  subcommand: string;
  flags: string[];
  presets: string[];
}

/** The harness invocations in a script, `$( … )` and `&&`/`||` chains included. */
export function harnessCommandLines(script: string): HarnessLine[] {
  const joined = script.replace(/\\\n/g, " ");
  const segments = joined.split(/\n|;|&&|\|\||\||\$\(|\)/);
  const lines: HarnessLine[] = [];
  for (const segment of segments) {
    // bin/harness from any folder (a checkout of the harness beside the caller's code: .harness/bin/harness).
    const match = /(?:^|\s)(?:[\w.-]+\/)*(?:bin\/harness|npx harness)\s+([a-z][\w-]*)(.*)$/.exec(
      segment,
    );
    if (!match) continue;
    const rest = withoutQuoted(match[2] ?? "");
    lines.push({
      subcommand: match[1] as string,
      flags: [...rest.matchAll(/(?<![\w-])(--[a-z][\w-]*|-[A-Za-z])(?=[\s=]|$)/g)].map(
        (m) => m[1] as string,
      ),
      presets: [...(match[2] ?? "").matchAll(/--preset[\s=]+["']?([\w.-]+)/g)].map(
        (m) => m[1] as string,
      ),
    });
  }
  return lines;
}

/** Variables a script reads, sets itself, and exports to later steps through $GITHUB_ENV. */
export function scriptVariables(script: string): {
  read: string[];
  set: string[];
  exported: string[];
} {
  const expanded = script.replace(/\$\{\{[\s\S]*?\}\}/g, "").replace(/'[^'\n]*'/g, "''");
  const read = [...expanded.matchAll(/\$(?:\{([A-Za-z_]\w*)|([A-Za-z_]\w*))/g)].map(
    (m) => (m[1] ?? m[2]) as string,
  );
  const set = [
    ...script.matchAll(/(?:^|[\s;])(?:export\s+)?([A-Za-z_]\w*)=/gm),
    ...script.matchAll(/\bfor\s+([A-Za-z_]\w*)\s+in\b/g),
    ...script.matchAll(/\bread\s+(?:-r\s+)?([A-Za-z_]\w*)/g),
  ].map((m) => m[1] as string);
  const exported = [...script.matchAll(/echo\s+"([A-Za-z_]\w*)=[^\n]*>>\s*"?\$GITHUB_ENV/g)].map(
    (m) => m[1] as string,
  );
  return { read: [...new Set(read)], set: [...new Set(set)], exported };
}

/** The text with quoted strings' contents blanked, so a value like "a --b" is no flag. */
function withoutQuoted(text: string): string {
  return text.replace(/"[^"]*"/g, '""').replace(/'[^']*'/g, "''");
}
