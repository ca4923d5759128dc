// SSH cases: one key pair per run (made by the first cell that needs it), put into the image as
// root's authorized key, then the case's steps run from the host and become TAP results.
import { writeFile, stat, mkdir } from "node:fs/promises";
import { createRedact } from "../../util/redact.ts";
import { redactedLogFile } from "../../util/redact-stream.ts";
import { join } from "node:path";
import { HarnessError } from "../../errors.ts";
import { withFileLock } from "../../util/file-lock.ts";
import { generateRunKeyPair, RUN_KEY_NAME } from "./keys.ts";
import { waitForSsh } from "./connect.ts";
import { stepsToTap } from "./tap.ts";
import type { SshStep } from "./types.ts";
import type { DrivenMachine } from "../types.ts";

/** The run's key pair, made once per run folder. */
export async function runKeyPair(
  runDir: string,
): Promise<{ privateKeyPath: string; publicKey: string }> {
  const dir = join(runDir, "ssh");
  await mkdir(dir, { recursive: true });
  return withFileLock(join(dir, "key"), async () => {
    const privateKeyPath = join(dir, RUN_KEY_NAME);
    if (await stat(privateKeyPath).catch(() => undefined)) {
      const { readFile } = await import("node:fs/promises");
      return {
        privateKeyPath,
        publicKey: (await readFile(`${privateKeyPath}.pub`, "utf8")).trim(),
      };
    }
    return generateRunKeyPair(dir);
  });
}

/** A YAML file that adds the run's public key to the image, composed after the case's own. */
export async function authorizedKeyYaml(cellDir: string, publicKey: string): Promise<string> {
  const file = join(cellDir, "ssh-key.yml");
  const yaml = `files:\n  - path: root/.ssh/authorized_keys\n    contents: ${JSON.stringify(`${publicKey}\n`)}\n    mode: "0600"\n`;
  await writeFile(file, yaml);
  return file;
}

/** Runs the steps against the machine's forwarded port 22; returns the TAP they make. */
export async function driveOverSsh(
  machine: DrivenMachine,
  steps: readonly SshStep[],
  options: {
    privateKeyPath: string;
    user: string;
    cellDir: string;
    deadlineMs: number;
    signal: AbortSignal;
  },
): Promise<string> {
  const endpoint = machine.forwarded.get(22);
  if (!endpoint)
    throw new HarnessError("ESSH", "the machine has no forwarded SSH port", {
      hint: "the platform must forward guest port 22",
    });
  const log = redactedLogFile(join(options.cellDir, "ssh.log"), createRedact(process.env));
  try {
    const line = (text: string) => log.write(`${text}\n`);
    await using session = await waitForSsh(
      {
        host: endpoint.host,
        port: endpoint.port,
        user: options.user,
        privateKeyPath: options.privateKeyPath,
      },
      { signal: options.signal, deadlineMs: options.deadlineMs, log: line },
    );
    const results = [];
    for (const step of steps) {
      if (options.signal.aborted) break;
      results.push(await session.runStep(step, { signal: options.signal, log }));
    }
    return stepsToTap(results, steps);
  } finally {
    log.end();
    await log.finished;
  }
}
