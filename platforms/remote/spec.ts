// Remote runners as the user names them: `user@host[:port]` plus key, arches, concurrency and a
// work folder, from harness.yml's `runners:` or `--host`. Bad values are bad input (exit 2).
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { Arch } from "../../harness/arch.ts";
import { inputError } from "../../harness/errors.ts";
import { parseArch } from "../../harness/matrix/arches.ts";

/** One runner host and how to use it. */
export interface RunnerSpec {
  user: string;
  host: string;
  port: number;
  /** Private key file; unset means the user's default keys (~/.ssh/id_ed25519, …). */
  keyPath?: string;
  /** Guest arches it takes; unset means every arch it has a qemu for. */
  arches?: Arch[];
  /** Cells it runs at once. */
  concurrency: number;
  /** Its work folder (image cache, cell folders), relative to the login folder unless absolute. */
  dir: string;
  /** The host key's fingerprint ("SHA256:…") the runner must present, when pinned. */
  hostKey?: string;
}

/** A `runners:` entry of harness.yml, as written there. */
export interface RunnerConfig {
  host: string;
  key?: string;
  arch?: string | string[];
  concurrency?: number;
  dir?: string;
  hostKey?: string;
}

/** The remote work folder when a runner does not name one. */
export const DEFAULT_REMOTE_DIR = ".cache/harness-remote";

const ADDRESS = /^([A-Za-z0-9._][A-Za-z0-9._-]*)@(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d+))?$/;

/** "user@host:port" of a runner, the name it goes by in logs and run.json. */
export function runnerName(spec: Pick<RunnerSpec, "user" | "host" | "port">): string {
  return `${spec.user}@${spec.host.includes(":") ? `[${spec.host}]` : spec.host}:${spec.port}`;
}

/** Parses `user@host[:port]` (port 22 by default); `where` names the source in the error. */
export function parseRunnerAddress(
  text: string,
  where: string,
): Pick<RunnerSpec, "user" | "host" | "port"> {
  const match = ADDRESS.exec(text.trim());
  const port = Number(match?.[3] ?? "22");
  if (!match?.[1] || !match[2] || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw inputError("ERUNNER", `bad runner ${JSON.stringify(text)} in ${where}`, {
      hint: "write it as user@host or user@host:port, e.g. ci@arm64-box:22",
    });
  }
  return { user: match[1], host: match[2].replace(/^\[|\]$/g, ""), port };
}

/** A runner from a harness.yml entry; relative key paths are relative to the config's folder. */
export function specFromConfig(entry: RunnerConfig, configDir: string, where: string): RunnerSpec {
  const arches = entry.arch === undefined ? undefined : [entry.arch].flat();
  return {
    ...parseRunnerAddress(entry.host, `${where} host`),
    ...(entry.key ? { keyPath: expandPath(entry.key, configDir) } : {}),
    ...(arches ? { arches: arches.map((a) => parseArch(a, `${where} arch`)) } : {}),
    concurrency: entry.concurrency ?? 1,
    dir: entry.dir ?? DEFAULT_REMOTE_DIR,
    ...(entry.hostKey ? { hostKey: entry.hostKey } : {}),
  };
}

/**
 * The runners a run uses: every configured one, or with `--host` only those named there (a
 * configured runner of the same address lends its settings; the flags' key and concurrency win).
 */
export function selectRunners(
  configured: readonly RunnerSpec[],
  hosts: readonly string[],
  flags: { keyPath?: string; concurrency?: number },
): RunnerSpec[] {
  const chosen =
    hosts.length === 0
      ? [...configured]
      : hosts.map((text) => {
          const address = parseRunnerAddress(text, "--host");
          const known = configured.find((c) => runnerName(c) === runnerName(address));
          return known ?? { ...address, concurrency: 1, dir: DEFAULT_REMOTE_DIR };
        });
  const names = chosen.map(runnerName);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice)
    throw inputError("ERUNNER", `runner ${twice} is named twice`, {
      hint: "raise its concurrency instead of listing it again",
    });
  return chosen.map((spec) => ({
    ...spec,
    ...(flags.keyPath ? { keyPath: flags.keyPath } : {}),
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
  }));
}

/** `~/x` and relative paths made absolute. */
export function expandPath(path: string, base: string): string {
  if (path === "~" || path.startsWith("~/")) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(base, path);
}
