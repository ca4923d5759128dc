// What `driver: ssh` reads of case.yml: `ssh.steps`, each run from the host over SSH.
import { inputError, type HarnessError } from "../../errors.ts";
import { parseDurationMs } from "../../util/duration.ts";
import type { WrittenDuration } from "../case-fields.ts";
import type { CaseFileView } from "../types.ts";
import type { SshStep } from "./types.ts";

/** `ssh:` as case.yml writes it. */
interface WrittenSsh {
  user?: string;
  steps: { name: string; run: string; timeout?: WrittenDuration; exit?: number; tap?: boolean }[];
}

/** The SSH steps with defaults filled in; a case without them is an error at its driver: line. */
export function readSshSteps(view: CaseFileView): { options?: SshStep[]; errors: HarnessError[] } {
  const ssh = view.fields.ssh as WrittenSsh | undefined;
  if (!ssh)
    return {
      errors: [
        inputError("ECASEFILE", "driver: ssh needs ssh.steps", {
          at: view.locate(["driver"]),
          hint: "add ssh: { steps: [{ name, run }] } or use driver: serial",
        }),
      ],
    };
  const options = ssh.steps.map((step): SshStep => {
    const timeoutMs = step.timeout === undefined ? undefined : parseDurationMs(step.timeout);
    return {
      name: step.name,
      run: step.run,
      exit: step.exit ?? 0,
      tap: step.tap ?? false,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
  });
  return { options, errors: [] };
}
