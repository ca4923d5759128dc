// The harness init's side of the serial console: its results (on their own channel, or on the
// console behind a per-run marker), its reports of containers that exited non-zero, its banner.
import { randomBytes } from "node:crypto";
import { HarnessError } from "../../errors.ts";
import type { ConsoleWatcher } from "./console.ts";
import { BANNER, CONTAINER_EXIT } from "../../console/patterns.ts";
import type { DrivenMachine, DriverContext } from "../types.ts";

/** One guest's harness-init reports, read from the moment it boots. */
export class HarnessInitReader {
  /** Containers that exited non-zero, as "onboot container NAME exited N". */
  readonly exits: string[] = [];
  // Where the platform has no results channel, the init prefixes result lines on the console with this.
  readonly marker = randomBytes(6).toString("hex");

  /** The kernel command line word that tells the init the marker. */
  get cmdline(): string {
    return `harness.marker=${this.marker}`;
  }

  /** Copies results into the context's sink and collects container exits from now on. */
  watch(machine: DrivenMachine, console: ConsoleWatcher, context: DriverContext): void {
    machine.results?.on("data", (chunk: Buffer) => {
      console.touch();
      // The first complete line is the guest's first result: the benchmark's time to first result.
      if (chunk.includes(0x0a)) console.markResult();
      context.results.write(chunk.toString("utf8"), console.elapsedMs());
    });
    if (!machine.results) {
      const prefix = `@@harness-results:${this.marker}@@ `;
      console.onLine((line) => {
        const at = line.indexOf(prefix);
        if (at < 0) return;
        console.markResult();
        context.results.write(`${line.slice(at + prefix.length)}\n`, console.elapsedMs());
      });
    }
    console.onLine((line) => {
      const match = CONTAINER_EXIT.exec(line);
      if (match && match[3] !== "0")
        this.exits.push(`${match[1]} container ${match[2]} exited ${match[3]}`);
    });
  }

  /** Resolves at the init's banner; rejects at the boot deadline or when the guest stops first. */
  async banner(
    machine: DrivenMachine,
    console: ConsoleWatcher,
    context: DriverContext,
  ): Promise<void> {
    // A guest gone before its banner must not leave the banner's timer keeping the process alive.
    const raced = new AbortController();
    const signal = AbortSignal.any([context.signal, raced.signal]);
    try {
      await Promise.race([
        console.waitFor(BANNER, {
          timeoutMs: context.bootTimeoutMs,
          signal,
          what: "harness init banner",
        }),
        machine.exited.then((exit) => {
          throw new HarnessError(
            "EBOOT",
            `the guest stopped before its banner (${context.platform} ${exit.signal ?? `exit ${exit.code}`})`,
            { hint: `console tail:\n${console.tail(20)}` },
          );
        }),
      ]);
    } finally {
      raced.abort();
    }
  }
}
