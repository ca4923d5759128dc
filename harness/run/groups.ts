// group.sh init before a group's first cell and deinit after its last, as rtf does, under parallel runs.
import { createRedact } from "../util/redact.ts";
import { redactedLogFile } from "../util/redact-stream.ts";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { HarnessError } from "../errors.ts";
import type { CaseGroup } from "../cases/types.ts";
import type { Cell } from "../matrix/cells.ts";
import type { HostInfo } from "../util/host-labels.ts";
import type { LabelSet } from "../cases/labels.ts";
import { runProcessTree } from "../util/process-tree.ts";
import { scriptEnv } from "./script-env.ts";
import { startDeadline } from "./deadline.ts";

const GROUP_SCRIPT_TIMEOUT_MS = 10 * 60_000;

export interface GroupScriptsOptions {
  casesRoot: string;
  logDir: string;
  labels: LabelSet;
  host: HostInfo;
}

/** Tracks which groups are initialised and how many of their cells are still to finish. */
export class GroupScripts {
  #pending = new Map<string, number>();
  #inits = new Map<string, Promise<void>>();
  #options: GroupScriptsOptions;

  constructor(cells: readonly Cell[], options: GroupScriptsOptions) {
    this.#options = options;
    for (const cell of cells) {
      for (const group of withScripts(cell))
        this.#pending.set(group.dir, (this.#pending.get(group.dir) ?? 0) + 1);
    }
  }

  /** Runs `init` for each enclosing group not yet initialised, outermost first. */
  async enter(cell: Cell, signal: AbortSignal): Promise<void> {
    for (const group of withScripts(cell)) {
      let init = this.#inits.get(group.dir);
      if (!init) {
        init = this.#run(group, "init", signal);
        this.#inits.set(group.dir, init);
      }
      await init;
    }
  }

  /** Marks the cell done; runs `deinit` for groups whose last cell this was, innermost first. */
  async leave(cell: Cell): Promise<void> {
    for (const group of withScripts(cell).reverse()) {
      const left = (this.#pending.get(group.dir) ?? 1) - 1;
      this.#pending.set(group.dir, left);
      if (left === 0 && this.#inits.has(group.dir)) {
        await this.#run(group, "deinit", new AbortController().signal).catch(() => undefined);
      }
    }
  }

  async #run(group: CaseGroup, action: "init" | "deinit", signal: AbortSignal): Promise<void> {
    const script = group.script as string;
    const name = group.name || "root";
    await mkdir(this.#options.logDir, { recursive: true });
    const log = redactedLogFile(
      join(this.#options.logDir, `${name}.${action}.log`),
      createRedact(process.env),
    );
    using deadline = startDeadline(signal, GROUP_SCRIPT_TIMEOUT_MS, `group ${name} ${action}`);
    try {
      const env = scriptEnv({
        casesRoot: this.#options.casesRoot,
        testName: name,
        resultsDir: this.#options.logDir,
        labels: this.#options.labels,
        host: this.#options.host,
      });
      const exit = await runProcessTree({
        command: "/bin/sh",
        args: [script, action],
        cwd: group.dir,
        env,
        signal: deadline.signal,
        onOutput: (chunk) => log.write(chunk),
      });
      if (exit.exitCode !== 0) {
        throw new HarnessError(
          "EGROUPSCRIPT",
          `group ${name}: "${script} ${action}" failed (${describeExit(exit)})`,
          {
            hint: `see groups/${name}.${action}.log in the run directory`,
          },
        );
      }
    } finally {
      log.end();
      await log.finished;
    }
  }
}

function withScripts(cell: Cell): CaseGroup[] {
  return cell.testCase.groups.filter((group) => group.script !== undefined);
}

function describeExit(exit: {
  exitCode: number | null;
  signal: string | null;
  stopped: boolean;
}): string {
  if (exit.stopped) return "stopped";
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.exitCode}`;
}
