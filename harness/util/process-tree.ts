// Host processes started in their own process group and tagged, so all of them can be stopped.
import { execa } from "execa";
import { readdir, readFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import {
  TOKEN_VARIABLE,
  signalQuietly,
  stopsHurried,
  trackTree,
  untrackTree,
} from "./live-trees.ts";

export { TOKEN_VARIABLE, killLiveTreesNow, trackTree, untrackTree } from "./live-trees.ts";

/** How a tree's main process ended. */
export interface TreeExit {
  exitCode: number | null;
  signal: string | null;
  /** True when the tree was stopped because `signal` aborted. */
  stopped: boolean;
}

export interface RunTreeOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  onOutput: (chunk: string) => void;
  /** Time between SIGTERM and SIGKILL. */
  graceMs?: number;
}

/** Runs a command as a process-group leader; on abort, and after it exits, stops everything it started. */
export async function runProcessTree(options: RunTreeOptions): Promise<TreeExit> {
  const token = randomUUID();
  const child = execa(options.command, options.args, {
    cwd: options.cwd,
    env: { ...options.env, [TOKEN_VARIABLE]: token },
    extendEnv: false,
    detached: true,
    stdin: "ignore",
    all: true,
    buffer: false,
    reject: false,
    encoding: "utf8",
  });
  trackTree(token, child.pid);
  const graceMs = options.graceMs ?? 2000;
  let stopped = false;
  const onAbort = () => {
    stopped = true;
    void stopTree(child.pid, token, graceMs);
  };
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener("abort", onAbort, { once: true });
  child.all?.on("data", (chunk: string) => options.onOutput(chunk));
  try {
    const result = await child;
    return { exitCode: result.exitCode ?? null, signal: result.signal ?? null, stopped };
  } finally {
    options.signal.removeEventListener("abort", onAbort);
    // Background children may outlive the script; none may outlive the cell.
    await stopTree(child.pid, token, graceMs);
    untrackTree(token);
  }
}

/**
 * Stops a process group and any process carrying the token: SIGTERM, then SIGKILL after `graceMs`
 * (at once after `hurryStops`, also when that comes in the middle of the grace).
 */
export async function stopTree(
  pid: number | undefined,
  token: string,
  graceMs: number,
): Promise<void> {
  const targets = async () => [
    ...new Set([...(await pidsWithToken(token)), ...(pid ? [-pid] : [])]),
  ];
  if (stopsHurried()) {
    for (const target of await targets()) signalQuietly(target, "SIGKILL");
    return;
  }
  const tagged = await pidsWithToken(token);
  for (const target of new Set([...tagged, ...(pid ? [-pid] : [])]))
    signalQuietly(target, "SIGTERM");
  // Only a tagged process can start another, so none found now means none can appear: the
  // group gets its SIGKILL without two more scans of /proc (the common end of a guest that powered off).
  if (tagged.length === 0) {
    if (pid) signalQuietly(-pid, "SIGKILL");
    return;
  }
  const deadline = Date.now() + graceMs;
  while (!stopsHurried() && Date.now() < deadline && (await pidsWithToken(token)).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Whatever ignored SIGTERM, or dropped the token from its environment but kept the group, ends here.
  for (const target of await targets()) signalQuietly(target, "SIGKILL");
}

/** Pids of live processes whose environment carries `token`. */
export async function pidsWithToken(token: string): Promise<number[]> {
  const needle = `${TOKEN_VARIABLE}=${token}`;
  const entries = (await readdir("/proc").catch(() => [] as string[])).filter((e) =>
    /^\d+$/.test(e),
  );
  const found = await Promise.all(
    entries.map(async (entry) => {
      const environ = await readFile(`/proc/${entry}/environ`, "latin1").catch(() => "");
      return environ.split("\0").includes(needle) && !(await isZombie(entry))
        ? [Number(entry)]
        : [];
    }),
  );
  return found.flat();
}

async function isZombie(pid: string): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "latin1").catch(() => "");
  return / Z /.test(stat.slice(stat.lastIndexOf(")")));
}
