// The guest's exit status as its verdict: an image whose init runs the test and exits with its
// status makes the kernel panic with "Attempted to kill init! exitcode=0x0000NN00" (NN the status);
// a clean poweroff is status 0.
import type { DriverSession } from "../types.ts";
import { guestExit, machineEnded } from "../serial/guest-exit.ts";
import { verdictTap } from "./tap.ts";

/** The kernel's panic when PID 1 exits; its exitcode is the wait status. */
export const INIT_EXIT =
  /Kernel panic - not syncing: Attempted to kill init! exitcode=0x([0-9a-f]+)/;

/** The exit status in an init-exit panic line, or undefined for any other line. */
export function initExitStatus(line: string): number | undefined {
  const match = INIT_EXIT.exec(line);
  if (!match?.[1]) return undefined;
  const wait = Number.parseInt(match[1], 16);
  // A signal-killed init has its signal in the low bits: report 128 + signal, as a shell does.
  return (wait & 0x7f) === 0 ? (wait >> 8) & 0xff : 128 + (wait & 0x7f);
}

/** A session reading the verdict from how the guest ended. */
export function exitStatusSession(): DriverSession {
  let initExited = false;
  return {
    imageFiles: () => Promise.resolve([]),
    bootAsk: () => ({ resultsChannel: false }),
    ready: () => Promise.resolve(),
    async drive(machine, console, context) {
      let status: number | undefined;
      let exit: Awaited<ReturnType<typeof guestExit>> | undefined;
      try {
        exit = await guestExit(machine, console, context.signal);
      } catch (error) {
        if (!console.fatalSeen) throw error;
      }
      if (console.fatalSeen) {
        const failure = await console.failure;
        status = initExitStatus(failure.message);
        if (status === undefined) throw failure;
        initExited = true;
      } else if (exit && exit.code === 0) status = 0;
      else throw machineEnded(context.platform, exit, machine.logFile);
      const name = `guest exit status ${status}`;
      context.results.write(
        verdictTap(
          name,
          status === 0
            ? undefined
            : { message: `the guest exited ${status}`, consoleTail: console.tail(20) },
        ),
        console.elapsedMs(),
      );
      return { failures: [] };
    },
    // The init-exit panic was the guest's way of reporting, not a kernel failure.
    ownFindings: (findings) =>
      initExited ? findings.filter((f) => initExitStatus(f.line) === undefined) : findings,
  };
}
