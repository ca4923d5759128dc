// `harness build --builder linuxkit`: the same YAML built by the linuxkit CLI where it is installed,
// so its output can be booted and compared with the harness's own builder.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { access, constants, stat } from "node:fs/promises";
import { basename, delimiter, isAbsolute, join } from "node:path";
import type { Writable } from "node:stream";
import type { Arch } from "../../arch.ts";
import { EXIT, HarnessError } from "../../errors.ts";
import { runProcessTree } from "../../util/process-tree.ts";

/** How long one linuxkit build may take before it is stopped. */
export const LINUXKIT_TIMEOUT_MS = 30 * 60_000;

/** What to build with linuxkit and where its output goes. */
export interface LinuxkitBuildRequest {
  files: readonly string[];
  arch: Arch;
  /** Output formats beyond kernel+initrd, passed through as more --format flags. */
  formats: readonly string[];
  outDir: string;
  name?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Receives linuxkit's own output as it runs. */
  log: Writable;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** What linuxkit produced, in the shape of the harness builder's record where they overlap. */
export interface LinuxkitBuildResult {
  builder: "linuxkit";
  name: string;
  arch: Arch;
  command: string[];
  outputs: { kernel: string; initrd: string; cmdline: string };
  sha256: { kernel: string; initrd: string };
}

// linuxkit names architectures the way Go does.
const GOARCH: Record<Arch, string> = { x86_64: "amd64", aarch64: "arm64" };

/** The output name: --name, else the first file's (linuxkit alone would take the last file's). */
export function outputName(request: { files: readonly string[]; name?: string }): string {
  return request.name ?? basename(request.files[0] ?? "image").replace(/\.ya?ml$/, "");
}

/** The arguments `linuxkit` is run with for a request. */
export function linuxkitArgs(request: Omit<LinuxkitBuildRequest, "log" | "cwd" | "env">): string[] {
  return [
    "build",
    "--format",
    "kernel+initrd",
    ...request.formats.filter((f) => f !== "kernel+initrd").flatMap((f) => ["--format", f]),
    "--arch",
    GOARCH[request.arch],
    "--name",
    outputName(request),
    "--dir",
    request.outDir,
    ...request.files,
  ];
}

/** Runs `linuxkit build`; ENOLINUXKIT (exit 2) when no linuxkit is on PATH. */
export async function buildWithLinuxkit(
  request: LinuxkitBuildRequest,
): Promise<LinuxkitBuildResult> {
  const linuxkit = await findOnPath("linuxkit", request.env.PATH ?? "");
  if (!linuxkit) {
    throw new HarnessError(
      "ENOLINUXKIT",
      `--builder linuxkit needs the linuxkit CLI, and there is no linuxkit on PATH (${request.env.PATH ?? ""})`,
      {
        exitCode: EXIT.badInput,
        hint: "install linuxkit (https://github.com/linuxkit/linuxkit/releases) and put it on PATH, or drop --builder linuxkit to use the harness's own builder",
      },
    );
  }
  const args = linuxkitArgs(request);
  await runLinuxkit(linuxkit, args, request);
  const name = outputName(request);
  const outputs = {
    kernel: `${name}-kernel`,
    initrd: `${name}-initrd.img`,
    cmdline: `${name}-cmdline`,
  };
  for (const file of Object.values(outputs)) {
    if (!(await stat(join(request.outDir, file)).catch(() => undefined))) {
      throw new HarnessError(
        "ELINUXKIT",
        `linuxkit ${args.join(" ")} succeeded but wrote no ${file} in ${request.outDir}`,
        { hint: "check that this linuxkit supports --format kernel+initrd (see its output above)" },
      );
    }
  }
  return {
    builder: "linuxkit",
    name,
    arch: request.arch,
    command: [linuxkit, ...args],
    outputs,
    sha256: {
      kernel: await sha256File(join(request.outDir, outputs.kernel)),
      initrd: await sha256File(join(request.outDir, outputs.initrd)),
    },
  };
}

// linuxkit runs as its own process group, so a timeout or Ctrl-C stops it and all it started.
async function runLinuxkit(linuxkit: string, args: string[], request: LinuxkitBuildRequest) {
  const timeoutMs = request.timeoutMs ?? LINUXKIT_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  let tail = "";
  const exit = await runProcessTree({
    command: linuxkit,
    args,
    cwd: request.cwd,
    env: definedEntries(request.env),
    signal: request.signal ? AbortSignal.any([request.signal, deadline]) : deadline,
    onOutput: (chunk) => {
      request.log.write(chunk);
      tail = (tail + chunk).slice(-4000);
    },
  });
  if (request.signal?.aborted) {
    throw new HarnessError("ECANCELLED", `linuxkit ${args.join(" ")} was cancelled and stopped`, {
      exitCode: EXIT.interrupted,
      cause: request.signal.reason,
    });
  }
  if (exit.exitCode === 0 && !exit.stopped) return;
  const said = tail.trim().split("\n").slice(-5).join("\n  ");
  const why = exit.stopped
    ? `was stopped after ${Math.round(timeoutMs / 1000)}s`
    : `failed (${exit.exitCode === null ? String(exit.signal) : `exit ${exit.exitCode}`})`;
  throw new HarnessError(
    "ELINUXKIT",
    `linuxkit ${args.join(" ")} ${why}${said ? `:\n  ${said}` : ""}`,
    {
      hint: "linuxkit's own output above says why; the same YAML may build with the harness builder (drop --builder linuxkit)",
    },
  );
}

function definedEntries(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** The first executable `command` in a PATH string, or undefined. */
export async function findOnPath(command: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, command);
    const info = await stat(candidate).catch(() => undefined);
    if (
      info?.isFile() &&
      (await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      ))
    )
      return candidate;
  }
  return undefined;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
