// The process trees (groups tagged with a token) still running, so every exit path can stop them:
// the watchdog on a killed harness, a synchronous kill on a forced exit, SIGKILL at once when the
// user asks a second time. Loaded by the CLI's entry point before anything heavy: no execa here.
import { readdirSync, readFileSync } from "node:fs";
import { unwatchTree, watchTree } from "./watchdog.ts";

/** Environment variable that marks every process a cell started, children included. */
export const TOKEN_VARIABLE = "HARNESS_PROCESS_TOKEN";

const liveTrees = new Map<string, number | undefined>();
let exitHookInstalled = false;
let hurried = false;

/** Registers a process (group) to be killed if the harness is forced to exit; `untrackTree` when it is gone. */
export function trackTree(token: string, pid: number | undefined): void {
  liveTrees.set(token, pid);
  if (pid) watchTree(token, pid, TOKEN_VARIABLE);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", killLiveTreesNow);
  }
  // Started after the user asked to hurry (a boot already under way): no grace for it either.
  if (hurried) killTree(token, pid);
}

/** Forgets a tree that has ended. */
export function untrackTree(token: string): void {
  liveTrees.delete(token);
  unwatchTree(token, TOKEN_VARIABLE);
}

/** Kills every tree still running, at once and synchronously; for exit paths that cannot wait. */
export function killLiveTreesNow(): void {
  for (const [token, pid] of liveTrees) killTree(token, pid);
  liveTrees.clear();
}

/**
 * From now on stops skip their grace: every tree still running gets SIGKILL now, and later stops
 * kill at once. The trees stay tracked, so the run still waits for them, cleans up and records.
 */
export function hurryStops(): void {
  hurried = true;
  for (const [token, pid] of liveTrees) killTree(token, pid);
}

/** True once `hurryStops` was called. */
export function stopsHurried(): boolean {
  return hurried;
}

function killTree(token: string, pid: number | undefined): void {
  if (pid) signalQuietly(-pid, "SIGKILL");
  for (const tagged of pidsWithTokenSync(token)) signalQuietly(tagged, "SIGKILL");
}

function pidsWithTokenSync(token: string): number[] {
  const needle = `${TOKEN_VARIABLE}=${token}`;
  const pids: number[] = [];
  // Hosts without /proc (macOS) rely on the process group alone.
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(needle))
        pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Sends `signal` to a pid (negative: a group), ignoring one that is already gone. */
export function signalQuietly(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // Already gone.
  }
}
