// A server process for tests: started tagged with a marker, its output kept, and stopped (SIGTERM,
// then SIGKILL after 5 s) with its temporary folder removed — also when it fails to come up.
import { rm } from "node:fs/promises";
import { execa } from "execa";

/** A started server: its recent output, whether it has exited, and a stop that always cleans up. */
export interface ServerProcess {
  output: () => string;
  exited: () => boolean;
  stop: () => Promise<void>;
}

/** Starts `command`; `ready` waits for it to answer, and on failure the process is stopped before rethrowing. */
export async function startServerProcess(
  command: string,
  args: readonly string[],
  options: {
    dir: string;
    env: Record<string, string>;
    keepBytes: number;
    ready: (server: ServerProcess) => Promise<void>;
  },
): Promise<ServerProcess> {
  const child = execa(command, args, {
    reject: false,
    all: true,
    buffer: false,
    stdin: "ignore",
    env: options.env,
  });
  let output = "";
  let exited = false;
  child.all?.on(
    "data",
    (chunk: Buffer) => (output = (output + chunk.toString()).slice(-options.keepBytes)),
  );
  const done = child.then(() => (exited = true));
  const server: ServerProcess = {
    output: () => output,
    exited: () => exited,
    stop: async () => {
      if (!exited) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await done;
      clearTimeout(timer);
      await rm(options.dir, { recursive: true, force: true });
    },
  };
  try {
    await options.ready(server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
