// Runs one SSH step on an open connection: output streamed as it arrives, a timeout that ends the
// command and everything it started, and a result on every path.
import { randomUUID } from "node:crypto";
import { openExec, type SshChannel, type SshClient } from "../../ssh/exec.ts";
import { PrefixedLines, STDOUT_KEEP_BYTES, TailBuffer } from "./output.ts";
import { markedCommand, reapStep } from "./reap.ts";
import { writeLog, type SshLog, type SshStep, type SshStepResult } from "./types.ts";

/** Where a step's output goes and what stops it early. */
export interface RunStepOptions {
  signal: AbortSignal;
  log: SshLog;
}

/** A step without its own timeout still ends: the drive deadline should come first. */
export const DEFAULT_STEP_TIMEOUT_MS = 10 * 60_000;
/** How long to wait for the server to confirm a close before giving up on the channel. */
const CLOSE_WAIT_MS = 2000;
/** How long a step gets to end on the channel's SIGHUP before the reaper looks for what is left. */
const HANGUP_GRACE_MS = 1000;

interface Ending {
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  connectionLost: boolean;
}

/** How the channel ended, as far as it has. */
interface ChannelEnd {
  closed: boolean;
  exitCode?: number | null;
  signal?: string;
}

/** Runs `step.run` with /bin/sh on the server; rejects only when `options.signal` aborts it. */
export async function runStep(
  client: SshClient,
  step: SshStep,
  options: RunStepOptions,
): Promise<SshStepResult> {
  options.signal.throwIfAborted();
  const log = (text: string) => writeLog(options.log, text);
  const startedMs = performance.now();
  const stepId = randomUUID();
  log(`# step ${step.name}: ${JSON.stringify(step.run)}\n`);
  const command = markedCommand(step.run, stepId);
  const seen: ChannelEnd = { closed: false };
  const channel = await openExec(client, command, `step "${step.name}"`, options.signal, (opened) =>
    watchEnd(opened, seen),
  );
  const stdout = new TailBuffer(STDOUT_KEEP_BYTES);
  const outLines = new PrefixedLines(`${step.name} | `, log);
  const errLines = new PrefixedLines(`${step.name} ! `, log);
  channel.on("data", (chunk: Buffer) => {
    stdout.write(chunk);
    outLines.write(chunk);
  });
  channel.stderr.on("data", (chunk: Buffer) => errLines.write(chunk));
  const timeoutMs = step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const stop = () => reapStep(client, stepId, log);
  const ending = await supervise(client, channel, seen, timeoutMs, options.signal, stop);
  outLines.end();
  errLines.end();
  const durationMs = Math.round(performance.now() - startedMs);
  log(`# step ${step.name}: ${describeEnding(ending, timeoutMs)} after ${durationMs} ms\n`);
  options.signal.throwIfAborted();
  return {
    name: step.name,
    exitCode: ending.exitCode,
    ...(ending.signal === undefined ? {} : { signal: ending.signal }),
    timedOut: ending.timedOut,
    ...(ending.connectionLost ? { error: "the SSH connection closed during the step" } : {}),
    stdout: stdout.text(),
    stdoutDroppedBytes: stdout.droppedBytes,
    durationMs,
  };
}

function describeEnding(ending: Ending, timeoutMs: number): string {
  if (ending.timedOut) return `timed out after ${timeoutMs} ms`;
  if (ending.connectionLost) return "connection lost";
  return ending.signal ? `killed by SIG${ending.signal}` : `exit ${ending.exitCode}`;
}

// From the moment the channel opens: a quick command's exit status (and close) can arrive in the
// same read as the channel itself, before an awaiting caller could listen.
function watchEnd(channel: SshChannel, seen: ChannelEnd): void {
  channel.on("exit", (code: number | null, name?: string) => {
    seen.exitCode = code;
    if (name) seen.signal = name.replace(/^SIG/, "");
  });
  channel.once("close", () => (seen.closed = true));
}

// Waits for the channel to close. On timeout or abort: SIGHUP on the channel (where the server
// takes it), then, once the channel has closed or HANGUP_GRACE_MS passed, the reaper for whatever
// the step left running, then SIGKILL and close. The reaper waits because dropbear 2022.83 stops
// starting commands on a connection when one starts while a signalled session is exiting.
// Resolves once the channel and the reaper are done (or given up on); no timer or listener stays.
function supervise(
  client: SshClient,
  channel: SshChannel,
  seen: ChannelEnd,
  timeoutMs: number,
  signal: AbortSignal,
  reap: () => Promise<void>,
): Promise<Ending> {
  return new Promise((resolve) => {
    const ending: Ending = { exitCode: null, timedOut: false, connectionLost: false };
    let channelClosed = seen.closed;
    let stopping: Promise<void> | undefined;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      ending.exitCode = seen.exitCode ?? null;
      if (seen.signal) ending.signal = seen.signal;
      clearTimeout(stepTimer);
      signal.removeEventListener("abort", stop);
      client.off("close", onConnectionClose);
      channel.off("close", onChannelClose);
      resolve(ending);
    };
    // Once stopping has begun, the reaper runs to its end before the step does.
    const finish = () => void (stopping ?? Promise.resolve()).then(settle);
    function stop() {
      if (stopping || settled) return;
      channel.signal("HUP");
      stopping = closedOrAfter(HANGUP_GRACE_MS)
        .then(reap)
        .then(() => {
          if (channelClosed || settled) return;
          channel.signal("KILL");
          channel.close();
          return closedOrAfter(CLOSE_WAIT_MS);
        });
      void stopping.then(settle);
    }
    const closedOrAfter = (ms: number) =>
      new Promise<void>((done) => {
        if (channelClosed) return done();
        const onClose = () => {
          clearTimeout(timer);
          done();
        };
        const timer = setTimeout(() => {
          channel.off("close", onClose);
          done();
        }, ms);
        channel.once("close", onClose);
      });
    const onChannelClose = () => {
      channelClosed = true;
      finish();
    };
    const onConnectionClose = () => {
      ending.connectionLost = !channelClosed;
      channelClosed = true;
      finish();
    };
    channel.once("close", onChannelClose);
    client.once("close", onConnectionClose);
    signal.addEventListener("abort", stop, { once: true });
    const stepTimer = setTimeout(() => {
      ending.timedOut = true;
      stop();
    }, timeoutMs);
    if (signal.aborted) stop();
    else if (channelClosed) finish();
  });
}
