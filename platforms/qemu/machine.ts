// A running qemu guest: the process (in its own group, tagged for cleanup, dying with the
// harness), its console on stdout, its results channel on a unix socket, and a stop() that always
// leaves nothing behind.
import { createServer, type Server, type Socket } from "node:net";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { randomUUID } from "node:crypto";
import { execa } from "execa";
import { HarnessError } from "../../harness/errors.ts";
import {
  stopTree,
  trackTree,
  untrackTree,
  TOKEN_VARIABLE,
} from "../../harness/util/process-tree.ts";
import type { BootedMachine, MachineExit } from "../types.ts";
import { isPortConflict } from "./ports.ts";
import { openConsoleFifo } from "./console-fifo.ts";
import { diesWithHarness } from "./parent-death.ts";
import { ownedTempFolder, removeOwnedFolder } from "../../harness/util/owner-folder.ts";

/** Starts qemu with `argv` (the results socket already in it) and returns the machine. */
export async function startQemu(
  argv: readonly string[],
  socketDir: string,
  stateDir: string,
  accelerator: string,
  forwarded: BootedMachine["forwarded"],
  withResults: boolean,
): Promise<BootedMachine> {
  // Opened first: nothing else is running yet if it fails, and the caller's folder goes with it.
  const consoleFifo = await openConsoleFifo(socketDir).catch(async (error: unknown) => {
    await removeOwnedFolder(socketDir);
    throw error;
  });
  const results = withResults ? new PassThrough() : undefined;
  let server: Server | undefined;
  // Everything that can fail before qemu starts, so a failure has no process to stop.
  try {
    if (results) server = await listenForResults(join(socketDir, "results.sock"), results);
    // Kept for rerunning by hand: the results port then writes to a file instead of the harness's socket.
    const byHand = argv.map((arg) =>
      arg.startsWith("socket,id=results,")
        ? `file,id=results,path=${join(stateDir, "results-by-hand.txt")}`
        : arg,
    );
    await writeFile(join(stateDir, "qemu.cmdline"), `${byHand.map(quote).join(" ")}\n`);
  } catch (error) {
    server?.close();
    consoleFifo.discard();
    await removeOwnedFolder(socketDir);
    throw error;
  }
  const token = randomUUID();
  const [binary = "", ...args] = await diesWithHarness(argv);
  const child = execa(binary, args, {
    env: { [TOKEN_VARIABLE]: token },
    detached: true,
    stdin: "pipe",
    // A descriptor number goes to spawn() as it is; execa's types name only 1 and 2.
    stdout: consoleFifo.writeFd as 1,
    stderr: "pipe",
    buffer: false,
    reject: false,
    encoding: "buffer",
  });
  consoleFifo.closeWriteEnd();
  trackTree(token, child.pid);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = child
    .then((result) => ({ code: result.exitCode ?? null, signal: result.signal ?? null }))
    .finally(() => untrackTree(token));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await stopTree(child.pid, token, 2000);
      await exited;
      await consoleFifo.close(1000);
      server?.close();
      results?.end();
      await removeOwnedFolder(socketDir);
      await writeFile(join(stateDir, "qemu.stderr"), stderr);
    })());
  // A taken forwarded port makes qemu exit at once; only then is it worth a short wait before going on.
  const early =
    forwarded.size === 0
      ? undefined
      : await Promise.race([exited, delay(150).then(() => undefined)]);
  if (early) {
    await stop();
    throw new HarnessError(
      isPortConflict(stderr) ? "EPORTCONFLICT" : "EQEMU",
      `qemu exited at start (${describe(early)}): ${stderr.trim().split("\n").slice(-2).join(" / ")}`,
      {
        hint: "the qemu command line is in qemu.cmdline in the cell folder",
      },
    );
  }
  return {
    console: consoleFifo.stream,
    results,
    forwarded,
    accelerator,
    commandLine: argv,
    commandFile: "qemu.cmdline",
    logFile: "qemu.stderr",
    exited,
    sendToConsole: (text: string) => void child.stdin?.write(text),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * A short-lived private folder for sockets (unix socket paths must stay under ~100 bytes), named
 * after this process so the next run removes it should this one be killed before it can.
 */
export function socketFolder(): Promise<string> {
  return ownedTempFolder("hq-");
}

function listenForResults(path: string, sink: PassThrough): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket: Socket) => {
      socket.on("data", (chunk) => sink.write(chunk));
      socket.on("error", () => undefined);
    });
    server.once("error", reject);
    server.listen(path, () => resolve(server));
  });
}

function describe(exit: MachineExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
