// --host, --host-key, --host-concurrency: the runners of `--platform remote`, from the command
// line or harness.yml's `runners:`; the run gets its own remote platform over them.
import { cpus } from "node:os";
import type { Writable } from "node:stream";
import { loadConfig } from "../config/load.ts";
import { inputError } from "../errors.ts";
import type { RunPlan } from "../run/run.ts";
import { createRemotePlatform, RunnerPool } from "../../platforms/remote/index.ts";
import { expandPath, runnerName, selectRunners } from "../../platforms/remote/spec.ts";
import type { FlagSpec, ParsedArgs } from "./args.ts";

/** The flags that name remote runners. */
export const REMOTE_FLAGS: readonly FlagSpec[] = [
  {
    name: "host",
    type: "list",
    valueName: "USER@HOST[:PORT]",
    description: "runner hosts for --platform remote (default: runners: in harness.yml)",
  },
  {
    name: "host-key",
    type: "string",
    valueName: "FILE",
    description: "private key for the runners (default: their key: or ~/.ssh/id_ed25519)",
  },
  {
    name: "host-concurrency",
    type: "string",
    valueName: "N",
    description: "cells each runner takes at once (default: their concurrency: or 1)",
  },
];

/**
 * The plan with a remote platform over the chosen runners when it runs cells on `remote`; unless
 * --parallel says otherwise, as many cells run at once as the runners take.
 */
export async function withRemoteRunners(
  plan: RunPlan,
  args: ParsedArgs,
  cwd: string,
  stderr: Writable,
): Promise<RunPlan> {
  const hosts = args.list("host");
  if (!plan.inputs.platforms.includes("remote")) {
    if (hosts.length > 0)
      throw inputError(
        "EFLAG",
        "--host names runners for --platform remote, which this run does not use",
        {
          hint: "add --platform remote, or drop --host",
        },
      );
    return plan;
  }
  const config = await loadConfig(cwd, args.string("config"));
  const keyPath = args.string("host-key");
  const concurrency = args.integer("host-concurrency", 1, 256);
  const specs = selectRunners(config.runners ?? [], hosts, {
    ...(keyPath ? { keyPath: expandPath(keyPath, cwd) } : {}),
    ...(concurrency ? { concurrency } : {}),
  });
  if (specs.length === 0)
    throw inputError("ERUNNER", "--platform remote needs runner hosts, and none are named", {
      hint: `add runners: to ${config.file ?? "harness.yml"}, or pass --host user@host:port`,
    });
  const pool = new RunnerPool(specs, (line) => stderr.write(`harness: remote: ${line}\n`));
  const slots = specs.reduce((sum, spec) => sum + spec.concurrency, 0);
  const parallel = args.has("parallel")
    ? plan.parallel
    : Math.max(plan.parallel, slots, cpus().length);
  return {
    ...plan,
    parallel,
    inputs: { ...plan.inputs, parallel },
    platforms: [...(plan.platforms ?? []), createRemotePlatform(pool)],
    reproduceArgs: [
      ...plan.reproduceArgs,
      ...(hosts.length > 0 ? ["--host", specs.map(runnerName).join(",")] : []),
      ...(keyPath ? ["--host-key", keyPath] : []),
    ],
  };
}
