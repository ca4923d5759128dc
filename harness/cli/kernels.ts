// harness kernels: the kernel names a matrix can use.
import { KERNELS, DEFAULT_KERNEL } from "../matrix/kernels.ts";
import { parseArch } from "../matrix/arches.ts";
import type { Command, CommandIo } from "./command.ts";
import type { ParsedArgs } from "./args.ts";

/** `harness kernels [--arch A]`. */
export const kernelsCommand: Command = {
  name: "kernels",
  summary: "List the kernel names the matrix can use",
  usage: "harness kernels [--arch A] [--json]",
  flags: [
    { name: "arch", type: "string", valueName: "A", description: "only kernels for this arch" },
    { name: "json", type: "boolean", description: "print JSON" },
  ],
  run(args, io) {
    return Promise.resolve(printKernels(args, io));
  },
};

function printKernels(args: ParsedArgs, io: CommandIo): number {
  const archText = args.string("arch");
  const arch = archText === undefined ? undefined : parseArch(archText);
  const rows = KERNELS.filter((k) => arch === undefined || k.packages[arch]).map((k) => ({
    name: k.name,
    series: k.series,
    flavour: k.flavour,
    default: k.name === DEFAULT_KERNEL,
    packages: k.packages,
  }));
  if (args.bool("json")) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  for (const row of rows) {
    const packages = Object.entries(row.packages)
      .map(([a, p]) => `${a}: ${p}`)
      .join(", ");
    io.stdout.write(
      `${row.name.padEnd(20)}${row.default ? "default  " : "         "}${packages}\n`,
    );
  }
  return 0;
}
