// Coded errors a user can act on: what failed, the bad value, where, and the next step.
import type { ErrorCode } from "./error-codes.ts";

export type { ErrorCode } from "./error-codes.ts";

/** Exit codes of every harness command (see docs: 0 pass, 1 test failed, 2 bad input, 3 infrastructure). */
export const EXIT = {
  ok: 0,
  testFailed: 1,
  badInput: 2,
  infrastructure: 3,
  interrupted: 130,
} as const;

/** Where in a file something went wrong; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** Formats a location as file:line:column, dropping what is unknown. */
export function formatLocation(at: SourceLocation): string {
  if (at.line === undefined) return at.file;
  return at.column === undefined ? `${at.file}:${at.line}` : `${at.file}:${at.line}:${at.column}`;
}

export interface HarnessErrorDetails {
  /** What to do next, one sentence. */
  hint?: string;
  at?: SourceLocation;
  exitCode?: number;
  cause?: unknown;
}

/** An expected failure with a code (`ECASEFILE`, `ESHARD`, …); printed without a stack. */
export class HarnessError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly at: SourceLocation | undefined;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, details: HarnessErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "HarnessError";
    this.code = code;
    this.hint = details.hint;
    this.at = details.at;
    this.exitCode = details.exitCode ?? EXIT.infrastructure;
  }

  /** The error as the user sees it: location, message, code and hint. */
  describe(): string {
    const where = this.at ? `${formatLocation(this.at)}: ` : "";
    const hint = this.hint ? `\n  ${this.hint}` : "";
    return `${where}${this.message} [${this.code}]${hint}`;
  }
}

/** A bad-input error: exit code 2. */
export function inputError(
  code: ErrorCode,
  message: string,
  details: Omit<HarnessErrorDetails, "exitCode"> = {},
): HarnessError {
  return new HarnessError(code, message, { ...details, exitCode: EXIT.badInput });
}

/** Several bad-input errors reported together, so a user fixes them in one pass. */
export class HarnessErrors extends HarnessError {
  readonly errors: readonly HarnessError[];

  constructor(errors: readonly HarnessError[]) {
    super(errors[0]?.code ?? "EINPUT", `${errors.length} problems found`, {
      exitCode: Math.max(...errors.map((e) => e.exitCode)),
    });
    this.errors = errors;
  }

  override describe(): string {
    return this.errors.map((e) => e.describe()).join("\n");
  }
}

/** Throws all collected errors at once, or nothing when there are none. */
export function throwAll(errors: readonly HarnessError[]): void {
  if (errors.length === 1 && errors[0]) throw errors[0];
  if (errors.length > 1) throw new HarnessErrors(errors);
}
