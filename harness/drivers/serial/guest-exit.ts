// Waiting for the guest to end on its own: a console failure (panic, silence) or the drive's
// deadline ends the wait first; the console's last lines are read before the verdict.
import { HarnessError } from "../../errors.ts";
import type { ConsoleWatcher } from "./console.ts";
import type { DrivenMachine, DriverContext } from "../types.ts";

/** How the guest ended. */
export type GuestExit = Awaited<DrivenMachine["exited"]>;

/** Resolves when the guest is gone and its console drained; rejects on console failure or abort. */
export async function guestExit(
  machine: DrivenMachine,
  console: ConsoleWatcher,
  signal: AbortSignal,
): Promise<GuestExit> {
  const consoleEnded = machine.console.closed
    ? Promise.resolve()
    : new Promise((resolve) => machine.console.once("close", resolve));
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(abortError(signal));
    if (signal.aborted) fail();
    signal.addEventListener("abort", fail, { once: true });
  });
  const exit = await Promise.race([
    machine.exited,
    console.failure.then((failure) => Promise.reject(failure)),
    aborted,
  ]);
  // The last console lines (container exits, a panic) may still be in the pipe when the machine is gone.
  await Promise.race([consoleEnded, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  return exit;
}

/** Resolves when the guest exits cleanly; a panic just before it went away still decides. */
export async function cleanExit(
  machine: DrivenMachine,
  console: ConsoleWatcher,
  context: DriverContext,
): Promise<void> {
  const exit = await guestExit(machine, console, context.signal);
  if (console.fatalSeen) throw await console.failure;
  if (exit.code !== 0) throw machineEnded(context.platform, exit, machine.logFile);
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** The error for a machine that went away other than by a clean exit, pointing at its log. */
export function machineEnded(
  platform: string,
  exit: GuestExit | undefined,
  logFile: string | undefined,
): HarnessError {
  const how = exit?.signal ?? `exit code ${exit?.code ?? "unknown"}`;
  return new HarnessError("EMACHINE", `${platform} ended with ${how}`, {
    hint: logFile
      ? `see ${logFile} in the cell folder`
      : `see the ${platform} platform's log in the cell folder`,
  });
}
