// harness kernels: the kernel names a matrix can use, from the catalogue of the suites the mirror
// serves (refreshed once a day, or with --refresh), with suite, exact version and arches.
import type { Arch } from "../arch.ts";
import { buildContext } from "../builder/context.ts";
import { loadCatalogue, type StoredCatalogue } from "../builder/kernels/catalogue-store.ts";
import type { CatalogueKernel } from "../builder/kernels/catalogue.ts";
import type { ExpiredPolicy } from "../builder/kernels/expired-policy.ts";
import { DEFAULT_KERNEL, pinVersions } from "../builder/kernels/names.ts";
import { parseArch } from "../matrix/arches.ts";
import type { Command, CommandIo } from "../util/command.ts";
import type { ParsedArgs } from "../util/args.ts";

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
      arches: ARCHES.filter((a: Arch) => k.arches[a]),
      packages: Object.fromEntries(
        Object.entries(k.arches).map(([arch, b]) => [arch, b.current.package]),
      ),
      archVersions: Object.fromEntries(
        Object.entries(k.arches).map(([arch, b]) => [arch, b.current.version]),
      ),
      versions: pinVersions(k),
      notes: kernelNotes(k, catalogue.expiredPolicy),
      ...(k.expired ? { expired: k.expired } : {}),
      ...(k.unavailable ? { unavailable: k.unavailable } : {}),
    }));
  if (args.bool("json")) {
    const json = {
      builtAt: catalogue.builtAt,
      kernels: rows,
      unreachable: catalogue.unreachable,
      ...(catalogue.expiredPolicy ? { expiredPolicy: catalogue.expiredPolicy } : {}),
    };
    io.stdout.write(
      `${JSON.stringify({ ...json, ...(catalogue.stale ? { stale: catalogue.stale } : {}) }, null, 2)}\n`,
    );
    return 0;
  }
  const nameWidth = Math.max(22, ...rows.map((r) => r.name.length + 2));
  for (const row of rows) {
    const mark = [row.default ? "default" : "", row.expired ? `expired ${row.expired}` : ""]
      .filter(Boolean)
      .join(", ");
    io.stdout.write(
      `${row.name.padEnd(nameWidth)}${row.suite.padEnd(20)}${row.version.padEnd(20)}${row.arches.join(",").padEnd(16)}${mark}\n`,
    );
    for (const note of row.notes) io.stdout.write(`  ${note}\n`);
    if (args.bool("versions")) io.stdout.write(`  pins: ${row.versions.join(", ")}\n`);
  }
  for (const missing of catalogue.unreachable)
    io.stdout.write(`not available: ${missing.dist}: ${missing.reason}\n`);
  if (rows.some((r) => r.expired) && catalogue.expiredPolicy)
    io.stdout.write(
      `suites marked expired are used although their Release file expired (set by ${catalogue.expiredPolicy.from}); their packages are the mirror's last, not Debian's newest\n`,
    );
  if (catalogue.stale) io.stdout.write(`catalogue from ${catalogue.builtAt}; ${catalogue.stale}\n`);
  return 0;
}

const ARCHES = ["x86_64", "aarch64"] as const;

// What a row's columns cannot say: an arch that boots an older build than the suite lists, an arch
// the mirror has no build for.
function kernelNotes(kernel: CatalogueKernel, policy?: ExpiredPolicy): string[] {
  const notes: string[] = [];
  for (const arch of ARCHES) {
    const builds = kernel.arches[arch];
    if (builds?.fallback)
      notes.push(
        `${arch}: ${builds.current.version} (${builds.fallback.listed} is listed but not on the mirror: ${builds.fallback.reason})`,
      );
    const why = kernel.unavailable?.[arch];
    if (why) notes.push(`${arch}: not available: ${why}`);
  }
  if (kernel.expired && policy === undefined)
    notes.push(`its Release file expired on ${kernel.expired}`);
  return notes;
}
