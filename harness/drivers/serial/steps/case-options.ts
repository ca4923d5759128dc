// What `driver: serial` reads of case.yml: `steps:`, a script on the console, each step with a
// name and a deadline filled in, every pattern compiling.
import { inputError, type HarnessError } from "../../../errors.ts";
import { parseDurationMs } from "../../../util/duration.ts";
import { regexErrors, type WrittenDuration } from "../../case-fields.ts";
import type { CaseFileView } from "../../types.ts";
import type { SerialStep } from "./types.ts";

/** How long a scripted console step waits when case.yml sets no timeout. */
export const DEFAULT_SERIAL_STEP_TIMEOUT_MS = 30_000;

/** One step as case.yml writes it. */
interface WrittenStep {
  name?: string;
  expect?: string;
  send?: string;
  timeout?: WrittenDuration;
}

/** The steps a case.yml gives, checked; undefined options when it gives none. */
export function readSteps(view: CaseFileView): { options?: SerialStep[]; errors: HarnessError[] } {
  const written = view.fields.steps as WrittenStep[] | undefined;
  if (!written) return { errors: [] };
  const errors: HarnessError[] = [];
  written.forEach((step, index) => {
    if (step.expect !== undefined && step.send !== undefined)
      errors.push(
        inputError("ECASEFILE", `steps[${index}] has both expect: and send:`, {
          at: view.locate(["steps", index]),
          hint: "split it into two steps: the send, then the expect",
        }),
      );
    if (step.expect !== undefined)
      errors.push(...regexErrors(step.expect, ["steps", index, "expect"], view));
  });
  if (errors.length > 0) return { errors };
  const options = written.map((step, index): SerialStep => {
    const what =
      step.expect !== undefined
        ? `expect /${step.expect}/`
        : `send ${JSON.stringify(step.send ?? "")}`;
    return {
      name: step.name ?? what,
      ...(step.expect !== undefined ? { expect: step.expect } : { send: step.send ?? "" }),
      timeoutMs:
        (step.timeout === undefined ? undefined : parseDurationMs(step.timeout)) ??
        DEFAULT_SERIAL_STEP_TIMEOUT_MS,
      at: `${view.file} steps[${index}]`,
    };
  });
  return { options, errors: [] };
}
