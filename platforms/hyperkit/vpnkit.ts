// A vpnkit for one guest: it listens for hyperkit's virtio-vpnkit NIC on a unix socket and turns
// the guest's traffic into the host's own connections, so VPNs and firewalls on the Mac still
// apply. The socket lives in a short temporary folder (unix socket paths stop near 100 bytes).
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { execa } from "execa";
import { HarnessError } from "../../harness/errors.ts";
import {
  stopTree,
  trackTree,
  untrackTree,
  TOKEN_VARIABLE,
} from "../../harness/util/process-tree.ts";
import { ownedTempFolder, removeOwnedFolder } from "../../harness/util/owner-folder.ts";

/** A running vpnkit. */
export interface Vpnkit {
  /** The ethernet socket hyperkit connects the NIC to. */
  socket: string;
  /** Stops vpnkit and removes its sockets. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

/** Starts `binary` listening on a fresh socket and waits until the socket exists. */
export async function startVpnkit(binary: string, graceMs: number): Promise<Vpnkit> {
  // Named after this process: should it be killed, the next run removes the folder.
  const dir = await ownedTempFolder("hk-");
  const socket = join(dir, "eth.sock");
  const token = randomUUID();
  const child = execa(binary, ["--ethernet", socket, "--port", join(dir, "port.sock")], {
    env: { [TOKEN_VARIABLE]: token },
    detached: true,
    stdin: "ignore",
    all: true,
    buffer: true,
    reject: false,
  });
  trackTree(token, child.pid);
  const exited = child.finally(() => untrackTree(token));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await stopTree(child.pid, token, graceMs);
      await exited;
      await removeOwnedFolder(dir);
    })());
  const deadline = Date.now() + START_TIMEOUT_MS;
  let ended = false;
  void exited.then(() => (ended = true));
  while (!(await stat(socket).catch(() => undefined))) {
    if (ended || Date.now() > deadline) {
      await stop();
      const output = String((await exited).all ?? "")
        .trim()
        .split("\n")
        .slice(-2)
        .join(" / ");
      throw new HarnessError(
        "EVPNKIT",
        `${binary} ${ended ? "exited" : `did not listen within ${START_TIMEOUT_MS / 1000}s`} on ${socket}${output ? `: ${output}` : ""}`,
        {
          hint: "put vpnkit on PATH or name it in HARNESS_VPNKIT, or set HARNESS_HYPERKIT_NETWORK to vpnkit,SOCKET, vmnet or none",
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { socket, stop };
}
