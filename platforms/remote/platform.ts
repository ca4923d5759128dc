// remote: qemu on runner hosts over SSH (an arm64 box for aarch64 guests under KVM, say). Each
// boot leases a slot on the least busy healthy runner, connects to it, sends the image unless
// the runner has it, and runs qemu there under a wrapper that dies with the connection.
import { appendFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ARCHES } from "../../harness/arch.ts";
import { HarnessError } from "../../harness/errors.ts";
import { shellQuote } from "../../harness/util/shell-quote.ts";
import { qemuCommandLine } from "../qemu/command-line.ts";
import type { BootRequest, BootedMachine, Platform, ProbeResult } from "../types.ts";
import { connectRunner } from "./connect.ts";
import type { RunnerConnection } from "./connection.ts";
import { forwardToRunner, type LocalForward } from "./forward.ts";
import { startRemoteMachine } from "./machine.ts";
import type { RunnerPool } from "./pool.ts";
import { describe, type RunnerLease } from "./pool.ts";
import { prepareCell } from "./prepare.ts";
import type { RunnerSpec } from "./spec.ts";
import { RESULTS_FIFO, killScript, shCommand } from "./wrapper.ts";

export { RunnerPool } from "./pool.ts";

/** The remote platform of one run, with the runners it shares cells between. */
export interface RemotePlatform extends Platform {
  readonly pool: RunnerPool;
}

const PORT_ATTEMPTS = 3;

/** A remote platform over `pool`'s runners. */
export function createRemotePlatform(pool: RunnerPool): RemotePlatform {
  return {
    name: "remote",
    summary: "qemu on runner hosts over SSH (runners: in harness.yml, or --host)",
    arches: ARCHES,
    formats: ["kernel+initrd", "raw-bios"],
    pool,
    probe: ({ signal }) => probe(pool, signal),
    boot: (request) => boot(pool, request),
  };
}

async function probe(pool: RunnerPool, signal?: AbortSignal): Promise<ProbeResult> {
  await pool.check(signal);
  const healthy = pool.runners.filter((r) => r.health && !r.out);
  const arches = ARCHES.filter((arch) => healthy.some((r) => r.health?.arches.has(arch)));
  const details = pool.runners.map((r) => `${r.name}: ${r.out ?? `healthy, ${r.health?.machine}`}`);
  if (healthy.length > 0) return { available: true, arches, details };
  return {
    available: false,
    arches,
    details,
    reason:
      pool.runners.length === 0
        ? "no runners named: add runners: to harness.yml, or pass --host user@host:port to harness run"
        : "no runner passed its health check; see the details",
  };
}

async function boot(pool: RunnerPool, request: BootRequest): Promise<BootedMachine> {
  const log = (line: string) =>
    appendFileSync(join(request.stateDir, "remote.log"), `${new Date().toISOString()} ${line}\n`);
  for (let attempt = 1; ; attempt++) {
    const lease = await pool.lease(request.arch, request.signal);
    log(
      `runner ${lease.runner.name}: slot ${lease.runner.active} of ${lease.runner.spec.concurrency}`,
    );
    let connection: RunnerConnection;
    try {
      connection = await connectRunner(lease.runner.spec, request.signal);
    } catch (error) {
      if (request.signal.aborted) lease.release();
      else lease.retire(describe(error));
      log(`cannot use ${lease.runner.name}: ${describe(error)}`);
      request.signal.throwIfAborted();
      continue;
    }
    try {
      return await bootOn(pool, lease, connection, request, log);
    } catch (error) {
      await connection.close();
      lease.release();
      const conflict = error instanceof HarnessError && error.code === "EPORTCONFLICT";
      if (!conflict || attempt >= PORT_ATTEMPTS) throw error;
      log(`a forwarded port was taken on ${lease.runner.name}; trying again`);
    }
  }
}

async function bootOn(
  pool: RunnerPool,
  lease: RunnerLease,
  connection: RunnerConnection,
  request: BootRequest,
  log: (line: string) => void,
): Promise<BootedMachine> {
  const accel = await pool.accelerator(lease, connection, request.arch, request.signal);
  log(`accelerator ${accel.accelerator}: ${accel.reason}`);
  const store = lease.runner.blobs;
  if (!store) throw new Error(`bug: runner ${lease.runner.name} leased before its health check`);
  const cell = await prepareCell(connection, store, lease.health.dir, request, log);
  // qemu binds these on the runner's loopback; a taken one makes it exit at once (EPORTCONFLICT).
  const ports = (request.forwardPorts ?? []).map((guestPort) => ({
    guestPort,
    hostPort: 20_000 + Math.floor(Math.random() * 40_000),
  }));
  const argv = qemuCommandLine({
    arch: request.arch,
    accelerator: accel.accelerator,
    image: cell.image,
    memoryMiB: request.memoryMiB,
    cpus: request.cpus,
    disks: cell.disks,
    forwards: ports,
    ...(request.resultsChannel === false ? {} : { resultsFile: RESULTS_FIFO }),
  });
  await writeFile(join(request.stateDir, "qemu.cmdline"), `${byHand(lease.runner.spec, argv)}\n`);
  const forwards: LocalForward[] = [];
  try {
    for (const port of ports)
      forwards.push(await forwardToRunner(connection.client, port.hostPort));
    return await startRemoteMachine({
      connection,
      remoteDir: cell.dir,
      argv,
      stateDir: request.stateDir,
      accelerator: accel.accelerator,
      withResults: request.resultsChannel !== false,
      forwarded: new Map(
        ports.map((p, i) => [p.guestPort, forwards[i] as { host: string; port: number }]),
      ),
      forwards,
      log,
      onStopped: () => lease.release(),
    });
  } catch (error) {
    // The wrapper removes the cell folder once it runs; before that it is this code's to remove.
    await Promise.all(forwards.map((f) => f.close()));
    await connection
      .run(shCommand(killScript(cell.dir)), { what: "the cell cleanup", timeoutMs: 15_000 })
      .catch(() => undefined);
    throw error;
  }
}

// The same guest by hand: over ssh, results to a file in the login folder instead of the FIFO.
function byHand(spec: RunnerSpec, argv: readonly string[]): string {
  const remote = argv
    .map((arg) =>
      arg === `file,id=results,path=${RESULTS_FIFO}`
        ? "file,id=results,path=results-by-hand.txt"
        : arg,
    )
    .map(shellQuote)
    .join(" ");
  const key = spec.keyPath ? ["-i", spec.keyPath] : [];
  return ["ssh", ...key, "-p", String(spec.port), `${spec.user}@${spec.host}`, remote]
    .map(shellQuote)
    .join(" ");
}
