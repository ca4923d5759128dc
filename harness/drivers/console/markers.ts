// Verdict markers, as LinuxKit's test images print them ("sysctl test suite PASSED"): the first
// console line matching the failed or the passed pattern decides, and the guest is not waited for.
import type { DriverSession } from "../types.ts";
import { guestExit } from "../serial/guest-exit.ts";
import { verdictTap } from "./tap.ts";

/** A session reading the verdict from a passed and a failed pattern. */
export function markersSession(passed: string, failed: string): DriverSession {
  const passedPattern = new RegExp(passed);
  const failedPattern = new RegExp(failed);
  const either = new RegExp(`${failed}|${passed}`);
  return {
    imageFiles: () => Promise.resolve([]),
    bootAsk: () => ({ resultsChannel: false }),
    ready: () => Promise.resolve(),
    async drive(machine, console, context) {
      const what = `line matching failed /${failed}/ or passed /${passed}/`;
      // Without the harness init there is no banner: the boot deadline covers the whole run.
      const settled = new AbortController();
      const signal = AbortSignal.any([context.signal, settled.signal]);
      let line: string | undefined;
      try {
        line = await Promise.race([
          console.waitFor(either, { timeoutMs: context.bootTimeoutMs, signal, what }),
          guestExit(machine, console, signal).then(() => undefined),
        ]);
      } finally {
        settled.abort();
      }
      if (line === undefined && console.fatalSeen) throw await console.failure;
      const tail = console.tail(20);
      const tap =
        line === undefined
          ? verdictTap("verdict on the console", {
              message: `the guest ended without a ${what}`,
              consoleTail: tail,
            })
          : failedPattern.test(line) || !passedPattern.test(line)
            ? verdictTap(line.trim(), { message: `matched /${failed}/`, consoleTail: tail })
            : verdictTap(line.trim());
      context.results.write(tap, console.elapsedMs());
      return { failures: [] };
    },
  };
}
