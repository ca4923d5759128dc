// Shell-style globs ("*", "?", "[abc]", "[^abc]") over names: case names, cell ids, kernels,
// platforms, run ids. Matched with picomatch, but these are names, not paths: "*" matches any run
// of characters, "." and "/" included, so "packages.*" takes every case under packages and
// "*aarch64*" every aarch64 cell id, as it always has. A malformed glob is a bad-input error.
import picomatch from "picomatch";
import { inputError, type HarnessError } from "../errors.ts";

type Matcher = (value: string) => boolean;

// Braces, extglobs and a leading "!" stay literal, as they always were; unbalanced brackets are errors.
const OPTIONS: picomatch.PicomatchOptions = {
  dot: true,
  nobrace: true,
  noextglob: true,
  nonegate: true,
  strictBrackets: true,
};

// picomatch's "*" never crosses "/"; names hand it a character they never hold in its place.
const SLASH = "\u001f";
// Each glob compiled once per process: a matcher, or why it cannot be one.
const compiled = new Map<string, Matcher | { reason: string }>();

/** True when `text` holds glob characters (a plain name is matched by prefix where patterns are). */
export function isGlob(text: string): boolean {
  return /[*?[]/.test(text);
}

/** The problem with a glob given as `where` (e.g. `--include`), or undefined when it is usable. */
export function globProblem(glob: string, where: string): HarnessError | undefined {
  const result = compile(glob);
  if (typeof result === "function") return undefined;
  return inputError("EGLOB", `bad glob ${JSON.stringify(glob)} in ${where}: ${result.reason}`, {
    hint: 'close every "[" with "]" and "(" with ")", or write \\[ \\] \\( \\) for the characters themselves',
  });
}

/** The problems of every glob in `globs`, each naming `where` it was given. */
export function globProblems(globs: readonly string[], where: string): HarnessError[] {
  return globs.flatMap((glob) => globProblem(glob, where) ?? []);
}

/** True when `value` matches the whole glob; a malformed glob throws a bad-input error naming it. */
export function globMatch(glob: string, value: string): boolean {
  const matcher = compile(glob);
  if (typeof matcher !== "function") throw globProblem(glob, "a glob") as HarnessError;
  return matcher(value.replaceAll("/", SLASH));
}

function compile(glob: string): Matcher | { reason: string } {
  let result = compiled.get(glob);
  if (result) return result;
  try {
    result = picomatch(glob.replaceAll("/", SLASH), OPTIONS);
  } catch (error) {
    // picomatch's advice ("use \\] to match literal characters") is in the hint already.
    const message = error instanceof Error ? error.message : String(error);
    result = { reason: message.replace(/ - use .*$/, "") };
  }
  compiled.set(glob, result);
  return result;
}
