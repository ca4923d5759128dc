// The shell scripts that run a guest on a runner. qemu must die with the SSH channel that started
// it: OpenSSH sends no signal to a command without a terminal (and refuses signals for root), so
// the wrapper itself watches the channel's input and kills qemu when it ends, then removes the
// cell folder. The console is qemu's stdio on the channel; results go to a FIFO that a second
// channel reads with `cat`, so kernel messages cannot corrupt them and no socat is needed.
import { shellQuote } from "../../harness/util/shell-quote.ts";

/** The wrapper's exit code when the cell folder is not there (not a qemu exit code). */
export const WRAPPER_SETUP_FAILED = 97;

/** The FIFO in the cell folder that qemu's results port writes to. */
export const RESULTS_FIFO = "results.out";

/** `sh -c SCRIPT`, so the login shell's dialect does not matter. */
export function shCommand(script: string): string {
  return `sh -c ${shellQuote(script)}`;
}

/**
 * Runs `argv` in `dir` (which must exist) until qemu ends or the channel's input does; either
 * way qemu is gone and `dir` removed when the script exits with qemu's exit code.
 */
export function wrapperScript(dir: string, argv: readonly string[]): string {
  return [
    // A dead channel must not kill the wrapper before it has cleaned up.
    "trap '' PIPE",
    `d=${shellQuote(dir)}`,
    `cd "$d" || exit ${WRAPPER_SETUP_FAILED}`,
    `mkfifo console.in ${RESULTS_FIFO} || exit ${WRAPPER_SETUP_FAILED}`,
    // Holding both ends of the FIFOs means no open of them ever blocks, and the results reader
    // sees its end of file only when this script (and qemu) are gone. fd 5 keeps the channel's
    // input: a background job's own stdin is /dev/null.
    `exec 3<>console.in 4<>${RESULTS_FIFO} 5<&0`,
    `${argv.map(shellQuote).join(" ")} <console.in 3>&- 4>&- 5<&- &`,
    "q=$!",
    'echo "$q" >qemu.pid',
    // The watchdog: console input goes to qemu line by line until the channel's input ends (the
    // harness closed it, or the connection dropped); then qemu is told to go.
    `( while IFS= read -r line; do printf '%s\\n' "$line" >&3; done <&5; kill "$q" ) >/dev/null 2>&1 4>&- &`,
    "w=$!",
    `trap 'kill "$q" 2>/dev/null' INT TERM HUP`,
    'wait "$q"; rc=$?',
    'while kill -0 "$q" 2>/dev/null; do wait "$q"; rc=$?; done',
    'kill "$w" 2>/dev/null',
    'cd / && rm -rf "$d"',
    'exit "$rc"',
  ].join("\n");
}

/**
 * Streams the results FIFO of `dir` once the wrapper has started qemu; ends when the wrapper does,
 * and within 30 s when it never starts.
 */
export function resultsReaderScript(dir: string): string {
  return [
    `d=${shellQuote(dir)}`,
    "i=0",
    'while [ ! -s "$d/qemu.pid" ]; do',
    '  [ -d "$d" ] && [ "$i" -lt 300 ] || exit 0',
    "  i=$((i + 1)); sleep 0.1",
    "done",
    `exec cat "$d/${RESULTS_FIFO}" 2>/dev/null`,
  ].join("\n");
}

/** Kills a cell's qemu by its pid file and removes the folder: for a wrapper that did not end. */
export function killScript(dir: string): string {
  return [
    `d=${shellQuote(dir)}`,
    '[ -s "$d/qemu.pid" ] && kill -KILL "$(cat "$d/qemu.pid")" 2>/dev/null',
    'rm -rf "$d"',
    "true",
  ].join("\n");
}
