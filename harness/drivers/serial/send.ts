// Typing into the serial console: a line is sent, then its echo must come back before the deadline,
// so input lost to a console that is not listening is an error, not a silent wait.
import type { ConsoleWatcher } from "./console.ts";

/** Sends `text` and a newline to the console and waits for the echo. */
export async function sendLine(
  send: (text: string) => void,
  watcher: ConsoleWatcher,
  text: string,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<void> {
  const echo = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const echoed = watcher.waitFor(echo, {
    ...options,
    what: `echo of ${JSON.stringify(text)}`,
    onlyNew: true,
  });
  send(`${text}\n`);
  await echoed;
}
