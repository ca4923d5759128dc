// What `driver: console` reads of case.yml: `results:`, how an unmodified image tells its verdict.
import { inputError, type HarnessError } from "../../errors.ts";
import { regexErrors } from "../case-fields.ts";
import type { CaseFileView } from "../types.ts";
import type { ConsoleResults } from "./types.ts";

/** How the verdict is read; a missing or channel-style `results:` is an error at its line. */
export function readConsoleResults(view: CaseFileView): {
  options?: ConsoleResults;
  errors: HarnessError[];
} {
  const results = view.fields.results;
  if (results === "exit-status") return { options: { kind: "exit-status" }, errors: [] };
  if (typeof results !== "object" || results === null)
    return {
      errors: [
        inputError("ECASEFILE", "driver: console needs results: how to read the verdict", {
          at: view.locate(results === undefined ? ["driver"] : ["results"]),
          hint: "set results: exit-status, results: { passed: REGEX, failed: REGEX } or results: { tap-after: REGEX }",
        }),
      ],
    };
  const patterns = results as Record<string, string>;
  const errors = Object.entries(patterns).flatMap(([key, pattern]) =>
    regexErrors(pattern, ["results", key], view),
  );
  if (errors.length > 0) return { errors };
  const start = patterns["tap-after"];
  if (start !== undefined) return { options: { kind: "tap-after", start }, errors: [] };
  return {
    options: { kind: "markers", passed: patterns.passed ?? "", failed: patterns.failed ?? "" },
    errors: [],
  };
}
