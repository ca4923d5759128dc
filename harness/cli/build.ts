// harness build: LinuxKit YAML → bootable image files.
import { resolve } from "node:path";
import { inputError } from "../errors.ts";
import { parseArch } from "../matrix/arches.ts";
import type { Command } from "./command.ts";

/** `harness build FILE.yml.. [--format F] [--arch A] [--kernel K] [-o DIR]`. */
export const buildCommand: Command = {
  name: "build",
  summary: "Build LinuxKit YAML into image files (kernel+initrd), offline and cached",
  usage:
    "harness build FILE.yml.. [--format F] [--arch A] [--kernel K] [-o DIR] [--name NAME] [--no-pull]",
  flags: [
    {
      name: "format",
      type: "list",
      valueName: "F",
      description:
        "extra output formats: raw-bios, gcp, iso-bios (kernel+initrd is always written)",
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
      description: "kernel name, optionally @VERSION (default: the YAML's, else debian-6.1-cloud)",
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
  ],
  async run(args, io) {
    if (args.positionals.length === 0)
      throw inputError("EUSAGE", "harness build needs at least one YAML file", {
        hint: "e.g. harness build cases/examples/minimal.yml",
      });
    // The builder loads a lot; only `harness build` pays for it.
    const { buildContext } = await import("../build/context.ts");
    const { buildImage } = await import("../build/image/build.ts");
    const { parseKernelSpec } = await import("../build/kernels/debian.ts");
    const kernel = args.string("kernel");
    if (kernel) parseKernelSpec(kernel);
    const context = buildContext(io.env);
    const started = performance.now();
    const record = await buildImage({
      files: args.positionals.map((f) => resolve(io.cwd, f)),
      arch: parseArch(args.string("arch") ?? (process.arch === "arm64" ? "aarch64" : "x86_64")),
      ...(kernel ? { kernel } : {}),
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
