// Checks the drivers share when they read their part of a case.yml: a pattern must compile, and
// `results:` must name a place results travel unless the driver reads a verdict itself.
import { inputError, type HarnessError } from "../errors.ts";
import type { CaseFileView } from "./types.ts";

/** Durations as case.yml writes them: "30s", "2m", or seconds. */
export type WrittenDuration = string | number;

/** A regular expression at `path` that does not compile, as a located error. */
export function regexErrors(
  pattern: string,
  path: (string | number)[],
  view: CaseFileView,
): HarnessError[] {
  try {
    new RegExp(pattern);
    return [];
  } catch (error) {
    const where = path
      .map((part) => (typeof part === "number" ? `[${part}]` : `.${part}`))
      .join("")
      .slice(1);
    return [
      inputError(
        "ECASEFILE",
        `${where} is not a valid regular expression: ${(error as Error).message}`,
        {
          at: view.locate(path),
          hint: "write a JavaScript regular expression; escape ( [ . + $ with a backslash",
        },
      ),
    ];
  }
}

/** For drivers that use the harness init's results: `results:` is channel or console, if given. */
export function channelResultsErrors(view: CaseFileView, driver: string): HarnessError[] {
  const results = view.fields.results;
  if (results === undefined || results === "channel" || results === "console") return [];
  return [
    inputError(
      "ECASEFILE",
      `results: ${JSON.stringify(results)} is for driver: console, not driver: ${driver}`,
      {
        at: view.locate(["results"]),
        hint: "set driver: console to read the verdict off the console, or results: channel | console",
      },
    ),
  ];
}
