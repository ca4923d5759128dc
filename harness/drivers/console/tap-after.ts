// TAP on the console after a start marker: every console line after the first one matching the
// marker is read as TAP until the guest ends (kernel lines between are TAP's unknown lines).
import type { DriverSession } from "../types.ts";
import { guestExit } from "../serial/guest-exit.ts";
import { verdictTap } from "./tap.ts";

/** A session reading TAP from the console after a line matching `start`. */
export function tapAfterSession(start: string): DriverSession {
  const startPattern = new RegExp(start);
  let started = false;
  return {
    imageFiles: () => Promise.resolve([]),
    bootAsk: () => ({ resultsChannel: false }),
    ready(_machine, console, context) {
      // Listening from the first line: lines after the marker in the same read are not lost.
      console.onLine((line) => {
        if (started) {
          context.results.write(`${line}\n`, console.elapsedMs());
          console.markResult();
        } else started = startPattern.test(line);
      });
      return Promise.resolve();
    },
    async drive(machine, console, context) {
      const settled = new AbortController();
      const signal = AbortSignal.any([context.signal, settled.signal]);
      try {
        // Without the harness init there is no banner: the boot deadline covers the start marker.
        await Promise.race([
          console.waitFor(startPattern, {
            timeoutMs: context.bootTimeoutMs,
            signal,
            what: `line matching tap-after /${start}/`,
          }),
          machine.exited,
        ]);
      } finally {
        settled.abort();
      }
      await guestExit(machine, console, context.signal);
      if (console.fatalSeen) throw await console.failure;
      if (!started)
        context.results.write(
          verdictTap("TAP on the console", {
            message: `the guest ended without a line matching tap-after /${start}/`,
            consoleTail: console.tail(20),
          }),
        );
      return { failures: [] };
    },
  };
}
