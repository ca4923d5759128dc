// What `--platform remote` takes from a run: the runner hosts (--host, --host-key,
// --host-concurrency, or harness.yml's `runners:`); the run gets its own platform over them.
import { cpus } from "node:os";
import { inputError } from "../../harness/errors.ts";
import type { ConfigSection, PlatformSettings } from "../types.ts";
import { createRemotePlatform, RunnerPool } from "./platform.ts";
import schema from "./runners.schema.json" with { type: "json" };
import {
  expandPath,
  runnerName,
  selectRunners,
  specFromConfig,
  type RunnerConfig,
  type RunnerSpec,
} from "./spec.ts";

/** harness.yml's `runners:`: each entry checked, its key path resolved against the file's folder. */
const RUNNERS_SECTION: ConfigSection = {
  key: "runners",
  schema,
  read: (value, file): RunnerSpec[] =>
    (value as RunnerConfig[]).map((entry, i) => {
      try {
        return specFromConfig(entry, file.dir, `runners[${i}]`);
      } catch (error) {
        throw inputError("ECONFIG", (error as Error).message, {
          at: file.locate(["runners", i, "host"]),
          hint: "write host: as user@host or user@host:port",
        });
      }
    }),
};

/** The flags that name remote runners, and the run's remote platform over the chosen ones. */
export const remoteSettings: PlatformSettings = {
  flags: [
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
  ],
  section: RUNNERS_SECTION,
  // Unless --parallel says otherwise, as many cells run at once as the runners take.
  configure(request) {
    const { args, cwd } = request;
    const hosts = args.list("host");
    const keyPath = args.string("host-key");
    const concurrency = args.integer("host-concurrency", 1, 256);
    const specs = selectRunners((request.section as RunnerSpec[] | undefined) ?? [], hosts, {
      ...(keyPath ? { keyPath: expandPath(keyPath, cwd) } : {}),
      ...(concurrency ? { concurrency } : {}),
    });
    if (specs.length === 0)
      throw inputError("ERUNNER", "--platform remote needs runner hosts, and none are named", {
        hint: `add runners: to ${request.configFile ?? "harness.yml"}, or pass --host user@host:port`,
      });
    const pool = new RunnerPool(specs, (line) =>
      request.stderr.write(`harness: remote: ${line}\n`),
    );
    const slots = specs.reduce((sum, spec) => sum + spec.concurrency, 0);
    const { value, given } = request.parallel;
    return Promise.resolve({
      platform: createRemotePlatform(pool),
      parallel: given ? value : Math.max(value, slots, cpus().length),
      reproduceArgs: [
        ...(hosts.length > 0 ? ["--host", specs.map(runnerName).join(",")] : []),
        ...(keyPath ? ["--host-key", keyPath] : []),
      ],
    });
  },
};
