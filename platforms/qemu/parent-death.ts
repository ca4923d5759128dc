// qemu dies with the harness: started through util-linux's `setpriv --pdeathsig SIGKILL`, the
// kernel sends it SIGKILL the moment the harness goes, even when the harness itself was SIGKILLed
// and ran no code on the way out. The setting survives setpriv's exec of qemu.
//
// The kernel ties it to the *thread* that forked the child, not the process: a child forked from
// a worker thread would die when that worker ends. Node (libuv's uv_spawn) forks from the thread
// that calls spawn, and the harness calls execa only from the main thread (it starts no workers),
// so qemu dies with the harness's main thread, that is with the process, and never with a worker.
//
// Where setpriv is missing or too old (before util-linux 2.33; macOS), qemu starts as it is and
// the watchdog (harness/util/watchdog.ts) kills its group when the harness dies; it also covers
// the moment between setpriv's fork and its prctl, which pdeathsig alone leaves open.
import { execa } from "execa";

const SETPRIV = ["setpriv", "--pdeathsig", "SIGKILL", "--"] as const;
let works: Promise<boolean> | undefined;

/** `argv` wrapped so that its process gets SIGKILL when the harness dies, where this host can. */
export async function diesWithHarness(argv: readonly string[]): Promise<string[]> {
  works ??= execa(SETPRIV[0], [...SETPRIV.slice(1), "true"], { reject: false, timeout: 5000 }).then(
    (result) => result.exitCode === 0,
    () => false,
  );
  return (await works) ? [...SETPRIV, ...argv] : [...argv];
}
