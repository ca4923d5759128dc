// Shell-style globs ("*", "?", "[abc]") as regular expressions over whole strings.

/** A RegExp matching the whole string against a glob pattern. */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (const char of glob) {
    if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else if (char === "[" || char === "]") source += char;
    else source += char.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** True when `value` matches the glob (or equals it when it has no wildcards). */
export function globMatch(glob: string, value: string): boolean {
  return globToRegExp(glob).test(value);
}
