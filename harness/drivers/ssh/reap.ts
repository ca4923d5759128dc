// Ends every process a step started, found by the marker in its environment. A channel signal
// alone is not enough: OpenSSH refuses it for root sessions, dropbear signals only the shell,
// and without a terminal nothing hangs up a command whose channel closes.
import { openExec, type SshClient } from "../../ssh/exec.ts";

/** The environment variable each step's processes carry, set to that step's own id. */
export const STEP_MARKER_VARIABLE = "HARNESS_STEP";

const REAP_DEADLINE_MS = 10_000;

/** The shell text a step runs in: `/bin/sh -c RUN`, marked, with no stdin to block on. */
export function markedCommand(run: string, stepId: string): string {
  // The marker goes into the environment the shell starts with, so the reaper finds the shell
  // itself too. stdin is /dev/null because the channel's input stays open: ssh2 sends no signals
  // once a channel's input is closed.
  return `export ${STEP_MARKER_VARIABLE}=${stepId}; exec /bin/sh -c ${shellQuote(run)} </dev/null`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

// SIGHUP to every marked process, up to 2 s for them to go, then SIGKILL to what is left.
function reaperScript(stepId: string): string {
  const find = `grep -l '${STEP_MARKER_VARIABLE}=${stepId}' /proc/[0-9]*/environ 2>/dev/null`;
  return [
    `reap() { for f in $(${find}); do p=\${f#/proc/}; kill -s "$1" "\${p%/environ}" 2>/dev/null; done; }`,
    "reap HUP",
    `for i in 1 2 3 4 5 6 7 8 9 10; do [ -z "$(${find})" ] && exit 0; sleep 0.2; done`,
    "reap KILL",
  ].join("\n");
}

/** Runs the reaper for `stepId` on a second channel; never throws, and closes its channel. */
export async function reapStep(
  client: SshClient,
  stepId: string,
  log: (text: string) => void,
): Promise<void> {
  try {
    const channel = await openExec(client, reaperScript(stepId), "the step reaper");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        log(`# reaper for step ${stepId} still running after ${REAP_DEADLINE_MS} ms; closed\n`);
        channel.close();
        resolve();
      }, REAP_DEADLINE_MS);
      channel.resume();
      channel.stderr.resume();
      channel.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } catch (error) {
    log(`# could not end the step's processes: ${(error as Error).message}\n`);
  }
}
