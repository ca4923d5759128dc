// One SSH handshake, shared by the SSH driver (to a guest) and the remote platform (to a runner):
// node-ssh is loaded only when a connection is made, and an abort leaves nothing half open.
import type { NodeSSH } from "node-ssh";

/** Where an SSH server listens and who logs in. */
export interface SshAddress {
  host: string;
  port: number;
  user: string;
}

// node-ssh (and ssh2 under it) costs every command's start-up when loaded eagerly.
const loadNodeSsh = async () => (await import("node-ssh")).NodeSSH;

/** One handshake; an abort tears the half-open connection down so nothing outlives the call. */
export async function connectOnce(
  endpoint: SshAddress,
  privateKey: string,
  readyTimeoutMs: number,
  signal: AbortSignal,
  // A guest makes new host keys every boot and its address is a forwarded loopback port, so
  // there is nothing to pin a key against; the run's own fresh key pair authenticates us.
  hostVerifier: (key: Buffer) => boolean = () => true,
): Promise<NodeSSH> {
  const ssh = new (await loadNodeSsh())();
  const connecting = ssh.connect({
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.user,
    privateKey,
    readyTimeout: readyTimeoutMs,
    hostVerifier,
    // A guest that dies mid-step is noticed within ~15 s instead of never.
    keepaliveInterval: 5000,
    keepaliveCountMax: 3,
  });
  // node-ssh creates the client before its first await, so it is there to tear down.
  const client = ssh.connection;
  const abort = () => client?.destroy();
  signal.addEventListener("abort", abort, { once: true });
  try {
    await connecting;
  } catch (error) {
    client?.destroy();
    throw error;
  } finally {
    signal.removeEventListener("abort", abort);
  }
  if (signal.aborted) {
    client?.destroy();
    signal.throwIfAborted();
  }
  return ssh;
}
