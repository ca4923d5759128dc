// Free loopback ports for forwarded guest ports; qemu binds them, so a race is possible and the
// caller retries when qemu reports the port taken.
import { createServer } from "node:net";

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when qemu's error output says a forwarded port could not be bound. */
export function isPortConflict(stderr: string): boolean {
  return /Could not set up host forwarding rule|Address already in use/i.test(stderr);
}
