// The serial driver: the harness init reports on its own channel (or the console) and the guest
// powers off when done; with `steps:` in case.yml, a script of expects and sends on the console.
import type { Driver } from "../types.ts";
import { HarnessInitReader } from "./harness-init.ts";
import { cleanExit } from "./guest-exit.ts";
import { channelResultsErrors } from "../case-fields.ts";
import { readSteps } from "./steps/case-options.ts";
import { stepsSession, stepsUnsupported } from "./steps/session.ts";
import stepsSchema from "./steps/steps.schema.json" with { type: "json" };
import type { SerialStep } from "./steps/types.ts";

/** `driver: serial` (the default for image cases). */
export const serialDriver: Driver = {
  name: "serial",
  summary: "results from the harness init over its results channel; or scripted console steps",
  caseKeys: { steps: stepsSchema },
  readCase(view) {
    const steps = readSteps(view);
    return { ...steps, errors: [...channelResultsErrors(view, "serial"), ...steps.errors] };
  },
  unsupported: (testCase, platform) =>
    stepsOf(testCase.driverOptions) ? stepsUnsupported(platform) : undefined,
  session(testCase) {
    const steps = stepsOf(testCase.driverOptions);
    if (steps) return stepsSession(steps);
    const init = new HarnessInitReader();
    return {
      imageFiles: () => Promise.resolve([]),
      bootAsk: (context) => ({
        cmdline: init.cmdline,
        ...(context.testCase.results === "console" ? { resultsChannel: false } : {}),
      }),
      async ready(machine, console, context) {
        init.watch(machine, console, context);
        await init.banner(machine, console, context);
      },
      async drive(machine, console, context) {
        await cleanExit(machine, console, context);
        return { failures: [...init.exits] };
      },
    };
  },
};

function stepsOf(options: unknown): readonly SerialStep[] | undefined {
  return options as readonly SerialStep[] | undefined;
}
