// A remote runner for tests: the runner image in a container started with testcontainers, its
// sshd published on a loopback port, root's key the one given.
import type { StartedTestContainer } from "testcontainers";

/** A running runner container. */
export interface TestRunner {
  /** root@127.0.0.1:PORT, as --host takes it. */
  address: string;
  port: number;
  /** Runs a command in the container (not over SSH), for checks behind the harness's back. */
  exec(command: string[]): Promise<{ exitCode: number; output: string }>;
  stop(): Promise<void>;
}

/** Starts a runner from `image` that lets in `publicKey` as root; resolves once sshd listens. */
export async function startRunner(image: string, publicKey: string): Promise<TestRunner> {
  process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
  const { GenericContainer, Wait } = await import("testcontainers");
  const container: StartedTestContainer = await new GenericContainer(image)
    .withEnvironment({ AUTHORIZED_KEY: publicKey })
    .withExposedPorts(22)
    .withWaitStrategy(Wait.forLogMessage(/Server listening on 0\.0\.0\.0 port 22/))
    .withStartupTimeout(60_000)
    .start();
  const port = container.getMappedPort(22);
  return {
    // Not getHost(): "localhost" may resolve to ::1, where the port is not published.
    address: `root@127.0.0.1:${port}`,
    port,
    exec: async (command) => {
      const result = await container.exec(command);
      return { exitCode: result.exitCode, output: result.output };
    },
    stop: async () => {
      await container.stop({ timeout: 2_000 });
    },
  };
}
