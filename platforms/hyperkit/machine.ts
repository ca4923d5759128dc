// A running hyperkit guest: the process (in its own group, tagged for cleanup), its console on
// com1 and results on com2 read from the ptys hyperkit names, and a stop() that leaves nothing
// behind: not the process, not its vpnkit, not the pidfile that would stop the next boot.
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { execa } from "execa";
import { HarnessError } from "../../harness/errors.ts";
import {
  stopTree,
  trackTree,
  untrackTree,
  TOKEN_VARIABLE,
} from "../../harness/util/process-tree.ts";
import type { BootedMachine } from "../types.ts";
import { shellLine, stateFiles } from "./command-line.ts";
import { openSerialPort, waitForPtyName, type SerialPort } from "./serial.ts";
import type { Vpnkit } from "./vpnkit.ts";

/** The file in the cell folder holding the command line, to rerun by hand. */
export const COMMAND_FILE = "hyperkit.cmdline";

/** What startHyperkit needs besides the argv. */
export interface MachineSetup {
  /** The cell folder: the command line and hyperkit's own output are kept here. */
  cellDir: string;
  /** hyperkit's state folder (pidfile, pty names, console ring). */
  stateDir: string;
  resultsPort: boolean;
  /** The vpnkit started for this guest, stopped with it. */
  vpnkit?: Vpnkit;
  /** Time between SIGTERM and SIGKILL. */
  graceMs: number;
  /** How long hyperkit may take to open its ports. */
  startTimeoutMs: number;
  signal: AbortSignal;
}

/** Starts hyperkit with `argv` and returns the machine once its serial ports are open. */
export async function startHyperkit(
  argv: readonly string[],
  setup: MachineSetup,
): Promise<BootedMachine> {
  const files = stateFiles(setup.stateDir);
  await writeFile(join(setup.cellDir, COMMAND_FILE), byHand(argv, setup.vpnkit));
  const token = randomUUID();
  const [binary = "", ...args] = argv;
  const child = execa(binary, args, {
    env: { [TOKEN_VARIABLE]: token },
    detached: true,
    stdin: "ignore",
    all: true,
    buffer: false,
    reject: false,
  });
  trackTree(token, child.pid);
  let log = "";
  child.all?.on("data", (chunk: string) => (log += chunk));
  const exited = child
    .then((result) => ({ code: result.exitCode ?? null, signal: result.signal ?? null }))
    .finally(() => untrackTree(token));
  const ports: SerialPort[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      setup.signal.removeEventListener("abort", onAbort);
      await stopTree(child.pid, token, setup.graceMs);
      await exited;
      for (const port of ports) port.close();
      await setup.vpnkit?.stop();
      // A killed hyperkit leaves its pidfile, and hyperkit will not start while one exists.
      await Promise.all(
        [files.pidfile, files.consoleTty, files.resultsTty].map((f) => rm(f, { force: true })),
      );
      await writeFile(join(setup.cellDir, "hyperkit.log"), log);
    })());
  const onAbort = () => void stop();
  setup.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const consolePort = openSerialPort(
      await waitForPtyName(files.consoleTty, setup.startTimeoutMs, exited),
    );
    ports.push(consolePort);
    const resultsPort = setup.resultsPort
      ? openSerialPort(await waitForPtyName(files.resultsTty, setup.startTimeoutMs, exited))
      : undefined;
    if (resultsPort) ports.push(resultsPort);
    if (setup.signal.aborted) throw setup.signal.reason;
    return {
      console: consolePort.output,
      results: resultsPort?.output,
      forwarded: new Map(),
      accelerator: "hvf",
      commandLine: argv,
      commandFile: COMMAND_FILE,
      logFile: "hyperkit.log",
      exited,
      sendToConsole: (text: string) => consolePort.write(text),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    if (!(error instanceof HarnessError)) throw error;
    const tail = log.trim().split("\n").slice(-3).join(" / ");
    throw new HarnessError(
      error.code,
      `${error.message}${tail ? `; hyperkit said: ${tail}` : ""}`,
      {
        hint: `the command line is in ${COMMAND_FILE} and hyperkit's output in hyperkit.log in the cell folder`,
        cause: error,
      },
    );
  }
}

// Run by hand the vpnkit the harness started is gone; the line says what to start first.
function byHand(argv: readonly string[], vpnkit: Vpnkit | undefined): string {
  const note = vpnkit ? `# first: vpnkit --ethernet ${vpnkit.socket} &\n` : "";
  return `${note}${shellLine(argv)}\n`;
}
