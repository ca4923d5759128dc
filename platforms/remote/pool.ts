// The runners of a run share its cells by their concurrency: a lease is a slot on the least busy
// healthy runner that takes the cell's arch, waited for when all are full. Every runner is checked
// once before it gets work; one that fails (then or later) leaves the rotation with a logged reason.
import type { Arch } from "../../harness/arch.ts";
import { HarnessError } from "../../harness/errors.ts";
import type { AccelVerdict } from "../qemu/accel-probe.ts";
import { remoteAccel } from "./accel.ts";
import type { BlobStore } from "./blobs.ts";
import { connectRunner } from "./connect.ts";
import type { RunnerConnection } from "./connection.ts";
import { checkRunner, type RunnerHealth } from "./health.ts";
import { runnerName, type RunnerSpec } from "./spec.ts";

const HEALTH_DEADLINE_MS = 60_000;

/** One runner and what the run knows about it. */
export interface Runner {
  readonly spec: RunnerSpec;
  readonly name: string;
  /** Cells running on it now. */
  active: number;
  /** Cells it was given in this run. */
  given: number;
  health?: RunnerHealth;
  /** Why it left the rotation, once it has. */
  out?: string;
  blobs?: BlobStore;
  /** The accelerator verdict per arch, probed once. */
  readonly accel: Map<Arch, Promise<AccelVerdict>>;
}

/** A slot on a runner; give it back exactly once. */
export interface RunnerLease {
  runner: Runner;
  /** The runner's health, checked before the lease was given. */
  health: RunnerHealth;
  release(): void;
  /** Takes the runner out of the rotation for `reason`, and gives the slot back. */
  retire(reason: string): void;
}

/** The runners of one run. */
export class RunnerPool {
  readonly runners: readonly Runner[];
  readonly #log: (line: string) => void;
  #checked: Promise<void> | undefined;
  #waiters: (() => void)[] = [];

  constructor(specs: readonly RunnerSpec[], log: (line: string) => void) {
    this.runners = specs.map((spec) => ({
      spec,
      name: runnerName(spec),
      active: 0,
      given: 0,
      accel: new Map(),
    }));
    this.#log = log;
  }

  /** Health-checks every runner, once; later calls wait for that first check. */
  check(signal?: AbortSignal): Promise<void> {
    this.#checked ??= this.#checkAll();
    return signal ? untilAborted(this.#checked, signal) : this.#checked;
  }

  /** A slot for an `arch` guest, once one is free; throws ENORUNNER when no runner can take it. */
  async lease(arch: Arch, signal: AbortSignal): Promise<RunnerLease> {
    await this.check(signal);
    for (;;) {
      const able = this.runners.filter((r) => !r.out && r.health?.arches.has(arch));
      if (able.length === 0) throw this.#noRunner(arch);
      const free = able.filter((r) => r.active < r.spec.concurrency);
      const best = free.sort(
        (a, b) => load(a) - load(b) || a.given / a.spec.concurrency - b.given / b.spec.concurrency,
      )[0];
      if (best) return this.#give(best);
      await untilAborted(new Promise<void>((resolve) => this.#waiters.push(resolve)), signal);
    }
  }

  /** The accelerator `arch` guests get on the lease's runner, probed on first use. */
  async accelerator(
    lease: RunnerLease,
    connection: RunnerConnection,
    arch: Arch,
    signal: AbortSignal,
  ): Promise<AccelVerdict> {
    const known = lease.runner.accel.get(arch);
    if (known) {
      // Another cell's probe; if that cell was cancelled midway, this one probes again.
      const verdict = await known.catch(() => undefined);
      signal.throwIfAborted();
      if (verdict) return verdict;
    }
    const probing = remoteAccel(connection, lease.health, arch, signal);
    lease.runner.accel.set(arch, probing);
    probing.then(
      (v) =>
        this.#log(
          `runner ${lease.runner.name}: ${arch} guests run under ${v.accelerator} (${v.reason})`,
        ),
      () => lease.runner.accel.delete(arch),
    );
    return probing;
  }

  #give(runner: Runner): RunnerLease {
    runner.active++;
    runner.given++;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      runner.active--;
      this.#wake();
    };
    return {
      runner,
      health: runner.health as RunnerHealth,
      release,
      retire: (reason) => {
        this.#retire(runner, reason);
        release();
      },
    };
  }

  #retire(runner: Runner, reason: string): void {
    if (runner.out) return;
    runner.out = reason;
    this.#log(`runner ${runner.name} left the rotation: ${reason}`);
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  async #checkAll(): Promise<void> {
    const signal = AbortSignal.timeout(HEALTH_DEADLINE_MS);
    await Promise.all(
      this.runners.map(async (runner) => {
        try {
          await using connection = await connectRunner(runner.spec, signal);
          const health = await checkRunner(connection, runner.spec, signal);
          runner.health = health;
          runner.blobs = { dir: `${health.dir}/blobs`, known: new Map() };
          const arches = [...health.arches].map(([arch, version]) => `${arch} (${version})`);
          this.#log(
            `runner ${runner.name}: healthy, ${runner.spec.concurrency} at once, ${health.machine}, takes ${arches.join(", ")}`,
          );
        } catch (error) {
          this.#retire(runner, describe(error));
        }
      }),
    );
  }

  #noRunner(arch: Arch): HarnessError {
    if (this.runners.length === 0)
      return new HarnessError(
        "ENORUNNER",
        `no remote runners are named, so ${arch} guests have nowhere to run`,
        {
          hint: "add runners: to harness.yml, or pass --host user@host:port to harness run",
        },
      );
    const why = this.runners.map(
      (r) =>
        `${r.name}: ${r.out ?? `takes only ${[...(r.health?.arches.keys() ?? [])].join(", ")}`}`,
    );
    return new HarnessError(
      "ENORUNNER",
      `no healthy remote runner takes ${arch} guests (${why.join("; ")})`,
      {
        hint: "fix the runners above, or name others with runners: in harness.yml or --host user@host:port",
      },
    );
  }
}

/** The error as one line for logs and reasons. */
export function describe(error: unknown): string {
  if (error instanceof HarnessError) return `${error.message} [${error.code}]`;
  return error instanceof Error ? error.message : String(error);
}

function load(runner: Runner): number {
  return runner.active / runner.spec.concurrency;
}

// Waits for `promise`, or rejects with the abort reason first.
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
