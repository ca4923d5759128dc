// Paths as a command prints them: relative to the working folder when inside it, else absolute.
import { isAbsolute, relative } from "node:path";

/** `path` relative to `cwd` when it lies inside it ("." for cwd itself), else unchanged. */
export function shownPath(path: string, cwd: string): string {
  const inside = relative(cwd, path);
  if (inside === "") return ".";
  return inside.startsWith("..") || isAbsolute(inside) ? path : inside;
}
