// A real OpenSSH server (Debian's openssh-server) on loopback for the SSH driver's tests.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { userInfo } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { tempDir } from "./cli.ts";
import { startServerProcess } from "./server-process.ts";
import { freePort } from "./registry.ts";

/** The environment entry every test sshd carries, so a test can prove none is left running. */
export const SSHD_MARKER = "HARNESS_TEST_SSHD";

/** An sshd serving 127.0.0.1:port; `stop()` (or `await using`) kills it and removes its files. */
export interface RunningSshd extends AsyncDisposable {
  host: string;
  port: number;
  user: string;
  /** The `SSHD_MARKER=value` entry in the server's environment. */
  marker: string;
  stop(): Promise<void>;
  /** What sshd logged (-e sends its log to stderr). */
  output(): string;
}

// sshd re-executes itself, so it must be started by its absolute path.
const SSHD = "/usr/sbin/sshd";

/** Starts sshd accepting `authorizedKeys` for the current user, on `port` or a free one. */
export async function startSshd(options: {
  authorizedKeys: string;
  port?: number;
}): Promise<RunningSshd> {
  const dir = await tempDir("harness-sshd-");
  const port = options.port ?? (await freePort());
  const user = userInfo().username;
  const configPath = await writeConfig(dir, port, options.authorizedKeys);
  // sshd refuses to start without its privilege-separation directory.
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  const id = randomUUID();
  const server = await startServerProcess(SSHD, ["-D", "-e", "-f", configPath], {
    dir,
    env: { [SSHD_MARKER]: id },
    keepBytes: 50_000,
    ready: (s) => waitForListening(s.output, s.exited),
  });
  const stop = () => server.stop();
  return {
    host: "127.0.0.1",
    port,
    user,
    marker: `${SSHD_MARKER}=${id}`,
    stop,
    output: server.output,
    [Symbol.asyncDispose]: stop,
  };
}

async function writeConfig(dir: string, port: number, authorizedKeys: string): Promise<string> {
  const hostKey = join(dir, "host_ed25519");
  await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey], {
    timeout: 30_000,
    stdin: "ignore",
  });
  const keysPath = join(dir, "authorized_keys");
  await writeFile(keysPath, `${authorizedKeys.trim()}\n`, { mode: 0o600 });
  const configPath = join(dir, "sshd_config");
  const config = [
    `Port ${port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${keysPath}`,
    "PidFile none",
    "UsePAM no",
    // The temporary directory is under /tmp, which is world-writable: StrictModes would refuse it.
    "StrictModes no",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin prohibit-password",
    "PrintMotd no",
    "LogLevel VERBOSE",
  ];
  await writeFile(configPath, `${config.join("\n")}\n`);
  return configPath;
}

async function waitForListening(output: () => string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (/Server listening on/.test(output())) return;
    if (exited()) throw new Error(`sshd exited while starting:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`sshd did not start listening within 10s:\n${output()}`);
}

/** TCP connections established to 127.0.0.1:port, as the kernel lists them (/proc/net/tcp). */
export async function establishedTo(port: number): Promise<number> {
  const table = await readFile("/proc/net/tcp", "utf8");
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return table
    .split("\n")
    .slice(1)
    .filter((line) => {
      const [, localAddress, , state] = line.trim().split(/\s+/);
      return localAddress === local && state === "01";
    }).length;
}

/** A loopback port that accepts connections and never answers, like a forwarded port with no guest behind it. */
export interface SilentServer {
  port: number;
  openConnections(): number;
  stop(): Promise<void>;
}

/** Starts a SilentServer on a free port. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    // Reading (and dropping) what the client sends lets the socket see the client hang up.
    socket.resume();
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    openConnections: () => sockets.size,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Polls `check` every 50 ms until it holds; fails the test after `withinMs`. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  withinMs = 5000,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what} within ${withinMs} ms`);
    await sleep(50);
  }
}
