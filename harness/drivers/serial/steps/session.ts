// The scripted serial driver: each step expects a pattern in the console output since the previous
// match or types a line, each within its own deadline; every step's outcome is a TAP point.
// Such images need not carry the harness init, so there is no banner: the first expect is the wait.
import type { SerialStep } from "./types.ts";
import type { DriverSession, PlatformTraits } from "../../types.ts";
import type { ConsoleWatcher } from "../console.ts";
import { ConsoleCursor, ExpectMissed } from "./cursor.ts";
import { stepFailed, stepPassed, stepSkipped, stepsHeader } from "./tap.ts";

/** Why scripted steps cannot run on `platform`, or undefined when they can. */
export function stepsUnsupported(platform: PlatformTraits): string | undefined {
  const why = platform.noConsoleInput;
  return why && `scripted console steps cannot run on ${platform.name}: ${why}`;
}

/** A session that runs `steps` on the console. */
export function stepsSession(steps: readonly SerialStep[]): DriverSession {
  let cursor: ConsoleCursor | undefined;
  return {
    imageFiles: () => Promise.resolve([]),
    bootAsk: () => ({ resultsChannel: false }),
    ready(machine) {
      // From the first byte, so a prompt printed before drive starts is still there to match.
      cursor = new ConsoleCursor(machine.console);
      return Promise.resolve();
    },
    async drive(machine, console, context) {
      const reading = cursor ?? new ConsoleCursor(machine.console);
      context.results.write(stepsHeader(steps.length), console.elapsedMs());
      let failed: SerialStep | undefined;
      for (const [index, step] of steps.entries()) {
        const number = index + 1;
        const write = (text: string) => context.results.write(text, console.elapsedMs());
        if (failed) {
          write(stepSkipped(number, step, failed));
          continue;
        }
        const missed = await runStep(step, reading, machine.sendToConsole.bind(machine), {
          console,
          signal: context.signal,
        });
        if (missed === undefined) write(stepPassed(number, step));
        else {
          failed = step;
          write(stepFailed(number, step, missed, console.tail(20)));
        }
      }
      return { failures: [] };
    },
  };
}

// Runs one step; returns why an expect missed, or undefined when the step did its part.
async function runStep(
  step: SerialStep,
  cursor: ConsoleCursor,
  send: (text: string) => void,
  options: { console: ConsoleWatcher; signal: AbortSignal },
): Promise<string | undefined> {
  if (step.expect === undefined) {
    send(`${step.send ?? ""}\n`);
    return undefined;
  }
  // A panic ends the wait at once; its timer must not outlive it.
  const settled = new AbortController();
  try {
    await Promise.race([
      cursor.expect(
        new RegExp(step.expect),
        step.timeoutMs,
        AbortSignal.any([options.signal, settled.signal]),
      ),
      options.console.failure.then((failure) => Promise.reject(failure)),
    ]);
    return undefined;
  } catch (error) {
    if (error instanceof ExpectMissed) return error.message;
    throw error;
  } finally {
    settled.abort();
  }
}
