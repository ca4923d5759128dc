// A guest port on a runner, reachable here: qemu forwards it to the runner's loopback, and a local
// listener carries each connection to that over the cell's SSH connection (direct-tcpip).
import { createServer, type Socket } from "node:net";
import type { SshClient } from "../../harness/ssh/exec.ts";

/** A local listener for one forwarded port; close() ends it and every connection through it. */
export interface LocalForward {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 and connects each client to `remotePort` on the runner's loopback. */
export function forwardToRunner(client: SshClient, remotePort: number): Promise<LocalForward> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.pause();
    client.forwardOut(
      "127.0.0.1",
      socket.remotePort ?? 0,
      "127.0.0.1",
      remotePort,
      (error, stream) => {
        if (error) return socket.destroy();
        stream.on("error", () => socket.destroy());
        stream.on("close", () => socket.destroy());
        socket.on("close", () => stream.close());
        socket.pipe(stream).pipe(socket);
        socket.resume();
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({
        host: "127.0.0.1",
        port: typeof address === "object" && address ? address.port : 0,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
