// A guest running on a runner: the wrapper's channel carries the console (stdout) and qemu's
// errors (stderr), a second channel the results. stop() closes the wrapper's input, which makes
// it kill qemu and remove the cell folder, and kills by pid file if it does not; a connection
// that drops ends the machine as lost, and the wrapper cleans up on its own side.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { HarnessError } from "../../harness/errors.ts";
import type { SshChannel } from "../../harness/ssh/exec.ts";
import type { BootedMachine, MachineExit } from "../types.ts";
import type { RunnerConnection } from "./connection.ts";
import type { LocalForward } from "./forward.ts";
import {
  WRAPPER_SETUP_FAILED,
  killScript,
  resultsReaderScript,
  shCommand,
  wrapperScript,
} from "./wrapper.ts";

/** What starting a guest on a runner needs; the connection and forwards become the machine's. */
export interface RemoteStart {
  connection: RunnerConnection;
  /** The cell's folder on the runner (absolute, existing). */
  remoteDir: string;
  argv: readonly string[];
  stateDir: string;
  accelerator: string;
  withResults: boolean;
  forwarded: BootedMachine["forwarded"];
  forwards: readonly LocalForward[];
  log: (line: string) => void;
  /** Called once, when the machine is stopped: gives the runner slot back. */
  onStopped: () => void;
}

const EXIT_WAIT_MS = 5000;
const EARLY_EXIT_MS = 500;
const STDERR_KEEP = 64_000;

/** Starts the wrapper (and the results reader) and returns the running machine. */
export async function startRemoteMachine(start: RemoteStart): Promise<BootedMachine> {
  const { connection, remoteDir } = start;
  let watched: Promise<MachineExit> | undefined;
  const main = await connection.open(
    shCommand(wrapperScript(remoteDir, start.argv)),
    "qemu",
    undefined,
    (channel) => {
      watched = channelExit(channel, connection.name);
    },
  );
  // Writes after a drop and channel errors end up in `exited`; unheard they would crash the run.
  main.on("error", () => undefined);
  const consoleOut = new PassThrough();
  main.pipe(consoleOut);
  let stderr = "";
  main.stderr.on(
    "data",
    (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP)),
  );
  if (!watched) throw new Error("bug: the qemu channel opened without its exit watcher");
  const exited = watched;
  // Consumers race this promise; this keeps a rejection nobody awaits yet from crashing the run.
  exited.catch(() => undefined);
  const results = start.withResults ? new PassThrough() : undefined;
  if (results) {
    const reader = await connection.open(
      shCommand(resultsReaderScript(remoteDir)),
      "the results reader",
    );
    reader.on("error", () => undefined);
    reader.pipe(results);
    reader.stderr.resume();
  }
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const lost = connection.closed;
      main.end();
      if (!(await settlesWithin(exited, EXIT_WAIT_MS)) && !connection.closed) {
        start.log(
          `qemu did not end within ${EXIT_WAIT_MS} ms of its input closing; killing it by pid`,
        );
        await connection
          .run(shCommand(killScript(remoteDir)), { what: "the cell cleanup", timeoutMs: 15_000 })
          .catch((error: Error) => start.log(`cleanup failed: ${error.message}`));
      }
      await Promise.all(start.forwards.map((f) => f.close()));
      await connection.close();
      consoleOut.end();
      results?.end();
      await writeFile(join(start.stateDir, "qemu.stderr"), stderr);
      start.log(
        lost
          ? `connection lost; the wrapper on ${connection.name} stops qemu and removes ${remoteDir} itself`
          : `stopped; ${remoteDir} removed on ${connection.name}`,
      );
      start.onStopped();
    })());
  const early = await Promise.race([
    exited.then(
      (exit) => exit,
      () => undefined,
    ),
    delay(EARLY_EXIT_MS).then(() => undefined),
  ]);
  if (early && early.code !== 0) {
    await stop();
    throw new HarnessError(
      /Could not set up host forwarding rule|Address already in use/i.test(stderr)
        ? "EPORTCONFLICT"
        : "EQEMU",
      `qemu on ${connection.name} exited at start (exit code ${early.code}): ${stderr.trim().split("\n").slice(-2).join(" / ")}`,
      { hint: "the qemu command line is in qemu.cmdline in the cell folder" },
    );
  }
  return {
    console: consoleOut,
    results,
    forwarded: start.forwarded,
    accelerator: start.accelerator,
    commandLine: start.argv,
    commandFile: "qemu.cmdline",
    logFile: "qemu.stderr",
    runner: connection.name,
    exited,
    sendToConsole: (text: string) => void main.write(text),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

// The wrapper's exit status when it reports one; a channel that closes without one was cut off.
function channelExit(channel: SshChannel, name: string): Promise<MachineExit> {
  return new Promise((resolve, reject) => {
    let exit: MachineExit | undefined;
    channel.on("exit", (code: number | null, signal?: string) => {
      exit = { code, signal: signal ?? null };
    });
    channel.once("close", () => {
      if (exit?.code === WRAPPER_SETUP_FAILED)
        reject(
          new HarnessError(
            "EREMOTE",
            `the cell folder on ${name} was missing when qemu was to start`,
            {
              hint: "something on the runner removes files under its work folder (dir: in harness.yml)",
            },
          ),
        );
      else if (exit) resolve(exit);
      else
        reject(
          new HarnessError(
            "ERUNNERLOST",
            `the SSH connection to runner ${name} dropped while the guest ran`,
            {
              hint: "the runner stops the guest and removes its files when it notices; see remote.log and console.log",
            },
          ),
        );
    });
  });
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    delay(ms).then(() => false),
  ]);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
