// harness kernels: the kernel names a matrix can use, from the catalogue of the suites the mirror
// serves (refreshed once a day, or with --refresh), with suite, exact version and arches.
import type { Arch } from "../cases/types.ts";
import { buildContext } from "../build/context.ts";
import { loadCatalogue, type StoredCatalogue } from "../build/kernels/catalogue-store.ts";
import { DEFAULT_KERNEL, pinVersions } from "../matrix/kernels.ts";
import { parseArch } from "../matrix/arches.ts";
import type { Command, CommandIo } from "./command.ts";
import type { ParsedArgs } from "./args.ts";

/** `harness kernels [--arch A] [--versions] [--refresh] [--json]`. */
export const kernelsCommand: Command = {
  name: "kernels",
  summary: "List the kernel names the matrix can use",
  usage: "harness kernels [--arch A] [--versions] [--refresh] [--json]",
  flags: [
    { name: "arch", type: "string", valueName: "A", description: "only kernels for this arch" },
    { name: "versions", type: "boolean", description: "every version a name can be pinned to" },
    { name: "refresh", type: "boolean", description: "read the mirror's indices again now" },
    { name: "json", type: "boolean", description: "print JSON" },
  ],
  async run(args, io) {
    const catalogue = await loadCatalogue(buildContext(process.env).cacheDir, {
      refresh: args.bool("refresh"),
    });
    return printKernels(catalogue, args, io);
  },
};

function printKernels(catalogue: StoredCatalogue, args: ParsedArgs, io: CommandIo): number {
  const archText = args.string("arch");
  const only = archText === undefined ? undefined : parseArch(archText);
  const rows = catalogue.kernels
    .filter((k) => only === undefined || k.arches[only])
    .map((k) => ({
      name: k.name,
      suite: k.suite,
      series: k.series,
      flavour: k.flavour,
      default: k.name === DEFAULT_KERNEL,
      version: k.arches.x86_64?.current.version ?? k.arches.aarch64?.current.version ?? "",
      arches: (["x86_64", "aarch64"] as const).filter((a: Arch) => k.arches[a]),
      packages: Object.fromEntries(
        Object.entries(k.arches).map(([arch, b]) => [arch, b.current.package]),
      ),
      versions: pinVersions(k),
    }));
  if (args.bool("json")) {
    const json = { builtAt: catalogue.builtAt, kernels: rows, unreachable: catalogue.unreachable };
    io.stdout.write(
      `${JSON.stringify({ ...json, ...(catalogue.stale ? { stale: catalogue.stale } : {}) }, null, 2)}\n`,
    );
    return 0;
  }
  for (const row of rows) {
    const mark = row.default ? "default" : "";
    io.stdout.write(
      `${row.name.padEnd(22)}${row.suite.padEnd(20)}${row.version.padEnd(20)}${row.arches.join(",").padEnd(16)}${mark}\n`,
    );
    if (args.bool("versions")) io.stdout.write(`  pins: ${row.versions.join(", ")}\n`);
  }
  for (const missing of catalogue.unreachable)
    io.stdout.write(`not available: ${missing.dist}: ${missing.reason}\n`);
  if (catalogue.stale) io.stdout.write(`catalogue from ${catalogue.builtAt}; ${catalogue.stale}\n`);
  return 0;
}
