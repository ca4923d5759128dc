// A small shell process that kills the harness's process groups when the harness dies, however
// it dies (SIGKILL, the OOM killer, a crash in native code): it reads the groups to watch from a
// pipe whose only write end the harness holds, and the kernel closes that pipe with the harness.
// It works where setpriv --pdeathsig does not (no util-linux, macOS) and reaches what pdeathsig
// cannot: a script's children, which stay in its group, and processes that left the group but
// carry the tree's token in their environment (found through /proc where there is one).
import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";

const SCRIPT = `
trap '' INT TERM HUP
watched=""
while read -r op pgid token; do
  case "$op" in
    +) watched="$watched $pgid:$token" ;;
    -) kept=""
       for entry in $watched; do [ "$entry" = "$pgid:$token" ] || kept="$kept $entry"; done
       watched="$kept" ;;
  esac
done
for entry in $watched; do
  kill -KILL -- "-\${entry%%:*}" 2>/dev/null
  for environ in $(grep -lzxF "$1=\${entry#*:}" /proc/[0-9]*/environ 2>/dev/null); do
    pid="\${environ#/proc/}"
    kill -KILL "\${pid%/environ}" 2>/dev/null
  done
done
`;

let watchdog: ChildProcess | undefined;
const watched = new Map<string, number>();

/** Has the watchdog kill group `pgid` (and processes tagged `token`) should the harness die first. */
export function watchTree(token: string, pgid: number, tokenVariable: string): void {
  watched.set(token, pgid);
  send(`+ ${pgid} ${token}\n`, tokenVariable);
}

/** Stops watching a tree that has ended. */
export function unwatchTree(token: string, tokenVariable: string): void {
  const pgid = watched.get(token);
  if (pgid === undefined) return;
  watched.delete(token);
  send(`- ${pgid} ${token}\n`, tokenVariable);
}

function send(line: string, tokenVariable: string): void {
  const dog = watchdog ?? start(tokenVariable);
  dog.stdin?.write(line);
}

function start(tokenVariable: string): ChildProcess {
  // Its own session: a Ctrl-C to the terminal's process group, or a kill of the harness's group,
  // must not take the watchdog before the harness. Nothing but the pipe is inherited.
  const dog = spawn("/bin/sh", ["-c", SCRIPT, "harness-watchdog", tokenVariable], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
  });
  watchdog = dog;
  // The harness exits when its work is done, not when the watchdog does.
  dog.unref();
  (dog.stdin as Socket | null)?.unref();
  dog.stdin?.on("error", () => undefined);
  dog.on("error", () => undefined);
  // Killed by someone else: the next tree starts a new one, told about every tree still running.
  dog.once("exit", () => {
    if (watchdog !== dog) return;
    watchdog = undefined;
    if (watched.size === 0) return;
    const lines = [...watched].map(([token, pgid]) => `+ ${pgid} ${token}\n`).join("");
    start(tokenVariable).stdin?.write(lines);
  });
  return dog;
}
