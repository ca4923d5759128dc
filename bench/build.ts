// Build benchmark: a cold build of cases/examples/containerd.yml in a fresh cache, then the warm
// (cache-hit) time as the median of 10 buildImage calls in the same process; the goal is ≤ 100 ms.
// Run with `npm run bench:build`; `--network-kernel` leaves the kernel out of the seeded cache.
import { execa } from "execa";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import type { Arch } from "../harness/cases/types.ts";
import { buildContext, REPO_ROOT } from "../harness/build/context.ts";
import { buildImage, type BuildRequest } from "../harness/build/image/build.ts";
import { chooseKernel } from "../harness/build/image/kernel-source.ts";
import { fetchDebianKernel } from "../harness/build/kernels/debian.ts";
import { OciStore } from "../harness/build/oci/store.ts";
import { loadImageConfig } from "../harness/build/yaml/load.ts";

const EXAMPLE = join(REPO_ROOT, "cases", "examples", "containerd.yml");
const WARM_RUNS = 10;
const GOAL_MS = 100;
const RESULTS = join(REPO_ROOT, "bench", "results", "build.json");

/** What one benchmark run measured, as written to bench/results/build.json. */
export interface BuildBenchResult {
  date: string;
  host: { arch: string; cpus: number; node: string };
  example: string;
  arch: Arch;
  seeded: string[];
  coldMs: number;
  warmMs: number[];
  warmMedianMs: number;
  goalMs: number;
  goalMet: boolean;
}

const arch: Arch = process.arch === "arm64" ? "aarch64" : "x86_64";
const withKernel = !process.argv.includes("--network-kernel");
const defaults = buildContext(process.env);
const root = await mkdtemp(join(tmpdir(), "harness-bench-build-"));
try {
  const cacheDir = join(root, "cache");
  const seeded = await seedCache(defaults.cacheDir, cacheDir);
  const request: BuildRequest = {
    files: [EXAMPLE],
    arch,
    outDir: join(root, "out"),
    cacheDir,
    pkgRoot: defaults.pkgRoot,
    store: new OciStore(join(cacheDir, "oci")),
    pull: false,
  };
  const cold = await timed(() => buildImage(request));
  if (cold.record.cached)
    throw new Error("the cold build was a cache hit: the cache was not fresh");
  const warmMs: number[] = [];
  for (let run = 0; run < WARM_RUNS; run++) {
    const warm = await timed(() => buildImage(request));
    if (!warm.record.cached) throw new Error(`warm build ${run + 1} was not a cache hit`);
    warmMs.push(warm.ms);
  }
  const result: BuildBenchResult = {
    date: new Date().toISOString(),
    host: { arch: process.arch, cpus: cpus().length, node: process.version },
    example: relative(REPO_ROOT, EXAMPLE),
    arch,
    seeded,
    coldMs: cold.ms,
    warmMs,
    warmMedianMs: median(warmMs),
    goalMs: GOAL_MS,
    goalMet: median(warmMs) <= GOAL_MS,
  };
  process.stdout.write(report(result));
  await mkdir(dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\nwrote ${relative(REPO_ROOT, RESULTS)}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}

// The cold build should measure the builder, not the network: downloads are copied in beforehand.
// Copies get fresh times, so the apt lists count as current and no `apt-get update` runs.
async function seedCache(from: string, to: string): Promise<string[]> {
  await mkdir(join(to, "kernels"), { recursive: true });
  const seeded: string[] = [];
  for (const part of ["apt", "debs"]) {
    if (!(await stat(join(from, part)).catch(() => undefined))) continue;
    await execa("cp", ["-r", join(from, part), to]);
    seeded.push(part === "apt" ? "apt lists and archives (apt/)" : "downloaded .debs (debs/)");
  }
  if (withKernel) {
    // The builder keeps a kernel only unpacked (no .deb), so the unpacked kernel is what is copied.
    const config = await loadImageConfig([EXAMPLE]);
    const choice = chooseKernel(config.kernel, undefined);
    if (choice.kind === "debian") {
      const kernel = await fetchDebianKernel(choice.spec, arch, from);
      const unpacked = dirname(dirname(kernel.vmlinuz));
      await execa("cp", ["-r", unpacked, join(to, "kernels")]);
      seeded.push(
        `the unpacked kernel (kernels/${basename(unpacked)}): its download, unpack and depmod are not timed`,
      );
    }
  }
  return seeded;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; record: T }> {
  const started = performance.now();
  const record = await work();
  return { ms: Math.round((performance.now() - started) * 10) / 10, record };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function report(result: BuildBenchResult): string {
  const rows: [string, string][] = [
    ["cold build", `${result.coldMs} ms`],
    [`warm build, median of ${result.warmMs.length}`, `${result.warmMedianMs} ms`],
    ["warm build, min / max", `${Math.min(...result.warmMs)} / ${Math.max(...result.warmMs)} ms`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const verdict = result.goalMet ? "met" : "NOT met";
  return [
    `build benchmark: ${result.example} for ${result.arch} (node ${result.host.node}, ${result.host.cpus} cpus)`,
    "fresh HARNESS_CACHE, seeded from the default cache so the network is not measured:",
    ...(result.seeded.length > 0
      ? result.seeded.map((s) => `  - ${s}`)
      : ["  - nothing (no default cache)"]),
    "",
    ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value.padStart(12)}`),
    "",
    `goal: warm median ≤ ${result.goalMs} ms: ${verdict}`,
    "",
  ].join("\n");
}
