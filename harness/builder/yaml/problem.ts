// Shared by the semantic checks: what they may look at, and how they word a located problem.
import { inputError, type ErrorCode, type HarnessError } from "../../errors.ts";
import { formatPath, type DocumentPath } from "../../util/schema.ts";
import type { Origins } from "./origins.ts";

/** What every semantic check gets. */
export interface CheckContext {
  origins: Origins;
  /** Sections some entries were left out of (schema errors, unreadable files); "*" for all. */
  incomplete: ReadonlySet<string>;
}

/** Whether every entry of `section` made it into the composed image. */
export function isComplete(context: CheckContext, section: string): boolean {
  return !context.incomplete.has("*") && !context.incomplete.has(section);
}

/** A bad-input error at a field of an entry, named as in its file: `services[2].binds[0]`. */
export function problem(
  context: CheckContext,
  entry: object,
  subpath: DocumentPath,
  code: ErrorCode,
  message: (where: string) => string,
  hint: string,
): HarnessError {
  const where = formatPath([...context.origins.pathOf(entry), ...subpath]);
  return inputError(code, message(where), { at: context.origins.locate(entry, subpath), hint });
}
