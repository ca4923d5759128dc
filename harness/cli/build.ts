// harness build: LinuxKit YAML → bootable image files.
import { resolve } from "node:path";
import { inputError } from "../errors.ts";
import { parseArch } from "../matrix/arches.ts";
import type { Arch } from "../arch.ts";
import type { ParsedArgs } from "../util/args.ts";
import type { Command, CommandIo } from "../util/command.ts";
import { FORMATS } from "../builder/disk/formats.ts";

/** `harness build FILE.yml.. [--format F] [--arch A] [--kernel K] [-o DIR] [--builder B]`. */
export const buildCommand: Command = {
  name: "build",
  summary: "Build LinuxKit YAML into image files (kernel+initrd), offline and cached",
  usage:
    "harness build FILE.yml.. [--format F] [--arch A] [--kernel K|file:PATH [--kernel-modules PATH]] [-o DIR] [--name NAME] [--no-pull] [--builder harness|linuxkit]",
  flags: [
    {
      name: "format",
      type: "list",
      valueName: "F",
      description: `extra output formats: ${FORMATS.slice(1)
        .map((f) => f.name)
        .join(", ")} (kernel+initrd is always written)`,
    },
    {
      name: "arch",
      type: "string",
      valueName: "A",
      description: "x86_64 or aarch64 (default: the host's)",
    },
    {
      name: "kernel",
      type: "string",
      valueName: "K",
      description:
        "kernel name, optionally @VERSION, or file:PATH of a kernel binary (default: the YAML's, else debian-6.1-cloud)",
    },
    {
      name: "kernel-modules",
      type: "string",
      valueName: "PATH",
      description:
        "modules for --kernel file:PATH: a folder holding lib/modules/<release>, or a tarball of it (default: none)",
    },
    {
      name: "output",
      short: "o",
      type: "string",
      valueName: "DIR",
      description: "where the files go (default: .)",
    },
    {
      name: "name",
      type: "string",
      valueName: "NAME",
      description: "file name prefix (default: the first YAML's name)",
    },
    { name: "no-pull", type: "boolean", description: "use only images already in the local store" },
    { name: "json", type: "boolean", description: "print the build record as JSON" },
    {
      name: "builder",
      type: "string",
      valueName: "B",
      description: "harness (default) or linuxkit (runs the linuxkit CLI, which must be on PATH)",
    },
  ],
  async run(args, io) {
    if (args.positionals.length === 0)
      throw inputError("EUSAGE", "harness build needs at least one YAML file", {
        hint: "e.g. harness build cases/examples/minimal.yml",
      });
    const builder = args.string("builder") ?? "harness";
    if (builder === "linuxkit") return buildWithLinuxkitCli(args, io);
    if (builder !== "harness")
      throw inputError("EUSAGE", `unknown --builder ${JSON.stringify(builder)}`, {
        hint: "use --builder harness (the default) or --builder linuxkit",
      });
    // The builder loads a lot; only `harness build` pays for it.
    const { buildContext } = await import("../builder/context.ts");
    const { buildImage } = await import("../builder/image/build.ts");
    const kernel = await kernelFlags(args, io.cwd);
    const context = buildContext(io.env);
    const started = performance.now();
    const record = await buildImage({
      files: args.positionals.map((f) => resolve(io.cwd, f)),
      arch: archFlag(args),
      ...kernel,
      formats: args.list("format"),
      outDir: resolve(io.cwd, args.string("output") ?? "."),
      ...(args.string("name") ? { name: args.string("name") as string } : {}),
      ...context,
      pull: !args.bool("no-pull"),
      signal: io.signal,
    });
    if (args.bool("json")) io.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    else {
      const took = Math.round(performance.now() - started);
      io.stdout.write(
        `${record.name} (${record.arch}, ${record.kernel.package} ${record.kernel.version}) ${record.cached ? "cached" : "built"} in ${took}ms → ${args.string("output") ?? "."}/${record.name}-{kernel,initrd.img,cmdline}\n`,
      );
    }
    return 0;
  },
};

function archFlag(args: ParsedArgs): Arch {
  return parseArch(args.string("arch") ?? (process.arch === "arm64" ? "aarch64" : "x86_64"));
}

// --kernel file:PATH and --kernel-modules are paths relative to where the user is; names are checked early.
async function kernelFlags(
  args: ParsedArgs,
  cwd: string,
): Promise<{ kernel?: string; kernelModules?: string }> {
  const kernel = args.string("kernel");
  const modules = args.string("kernel-modules");
  const file = kernel?.startsWith("file:") ? kernel.slice("file:".length) : undefined;
  if (kernel && file === undefined) {
    const { checkKernelNames } = await import("../builder/kernels/names.ts");
    await checkKernelNames([kernel]);
  }
  const spec = file ? `file:${resolve(cwd, file)}` : kernel;
  return {
    ...(spec ? { kernel: spec } : {}),
    ...(modules !== undefined ? { kernelModules: resolve(cwd, modules) } : {}),
  };
}

// linuxkit builds the YAML as written: flags that only the harness builder understands are refused.
async function buildWithLinuxkitCli(args: ParsedArgs, io: CommandIo): Promise<number> {
  const refused = ["kernel", "kernel-modules", "no-pull"].filter(
    (flag) => args.string(flag) !== undefined || args.bool(flag),
  );
  if (refused.length > 0)
    throw inputError(
      "EUSAGE",
      `--builder linuxkit does not take ${refused.map((f) => `--${f}`).join(", ")}`,
      {
        hint: "linuxkit builds the kernel and images the YAML names; drop those flags or use --builder harness",
      },
    );
  const { buildWithLinuxkit } = await import("../builder/image/linuxkit-builder.ts");
  const outDir = resolve(io.cwd, args.string("output") ?? ".");
  const started = performance.now();
  const result = await buildWithLinuxkit({
    files: args.positionals.map((f) => resolve(io.cwd, f)),
    arch: archFlag(args),
    formats: args.list("format"),
    outDir,
    ...(args.string("name") ? { name: args.string("name") as string } : {}),
    cwd: io.cwd,
    env: io.env,
    log: io.stderr,
    signal: io.signal,
  });
  if (args.bool("json")) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const took = Math.round(performance.now() - started);
    io.stdout.write(
      `${result.name} (${result.arch}) built by linuxkit in ${took}ms → ${args.string("output") ?? "."}/${result.name}-{kernel,initrd.img,cmdline}\n`,
    );
  }
  return 0;
}
