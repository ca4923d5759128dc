// A Docker engine for tests that start real containers: the one answering on the default socket,
// or else a dockerd (Debian's docker.io, which ./setup installs) started here and stopped after.
// CI machines start with nothing running, so the suite brings its own engine.
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { tempDir } from "./cli.ts";
import { startServerProcess, type ServerProcess } from "./server-process.ts";

/** The engine's socket; DOCKER_HOST is not consulted, so tests always use the local engine. */
export const DOCKER_SOCKET = "/var/run/docker.sock";

/** A usable engine; stop() stops it only when it was started here. */
export interface DockerEngine {
  startedHere: boolean;
  stop(): Promise<void>;
}

const START_DEADLINE_MS = 60_000;

/** True when an engine answers /_ping on the socket within 2 s. */
export function engineAnswers(socketPath = DOCKER_SOCKET): Promise<boolean> {
  return new Promise((resolve) => {
    const ping = request({ socketPath, path: "/_ping", timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    ping.on("error", () => resolve(false));
    ping.on("timeout", () => ping.destroy());
    ping.end();
  });
}

/** The running engine, or a dockerd started for the tests (which must run as root). */
export async function ensureDockerEngine(): Promise<DockerEngine> {
  // testcontainers' reaper runs as a container pulled from Docker Hub, which tests cannot reach;
  // the tests stop what they start themselves.
  process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
  if (await engineAnswers()) return { startedHere: false, stop: () => Promise.resolve() };
  const dir = await tempDir("harness-dockerd-");
  let server: ServerProcess;
  try {
    server = await startServerProcess("dockerd", ["--host", `unix://${DOCKER_SOCKET}`], {
      dir,
      env: {},
      keepBytes: 20_000,
      ready: waitForEngine,
    });
  } catch (error) {
    throw new Error(
      `no Docker engine answers on ${DOCKER_SOCKET} and dockerd could not start: ${(error as Error).message}\n` +
        "install docker.io (./setup does) and run the tests as root",
      { cause: error },
    );
  }
  return { startedHere: true, stop: () => server.stop() };
}

async function waitForEngine(server: ServerProcess): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (await engineAnswers()) return;
    if (server.exited()) throw new Error(`dockerd exited:\n${server.output().slice(-4000)}`);
    await sleep(200);
  }
  throw new Error(
    `dockerd did not answer within ${START_DEADLINE_MS / 1000}s:\n${server.output().slice(-4000)}`,
  );
}
