// Build times of cases/examples/containerd.yml: cold (a fresh build cache, with the downloads it
// would need — apt lists, .debs, the unpacked kernel — copied in and the OCI store already filled)
// and warm (a cache hit, the median of 10 buildImage calls in this process).
import { execa } from "execa";
import { mkdir, stat } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import type { Arch } from "../harness/arch.ts";
import { buildContext, REPO_ROOT } from "../harness/builder/context.ts";
import { buildImage, type BuildRequest } from "../harness/builder/image/build.ts";
import { chooseKernel } from "../harness/builder/image/kernel-source.ts";
import { fetchDebianKernel } from "../harness/builder/kernels/debian.ts";
import { loadImageConfig } from "../harness/builder/yaml/load.ts";
import { formatMs, median, round, timed } from "./lib/measure.ts";
import { scratch } from "./lib/temp.ts";
import type { Measured } from "./lib/types.ts";

const EXAMPLE = join(REPO_ROOT, "cases", "examples", "containerd.yml");
const WARM_RUNS = 10;
const WARM_GOAL_MS = 100;

/** Cold and warm build times of the containerd example for the host's arch. */
export async function measureBuild(): Promise<Measured> {
  const arch: Arch = process.arch === "arm64" ? "aarch64" : "x86_64";
  const defaults = buildContext(process.env);
  const root = await scratch("build");
  const cacheDir = join(root, "cache");
  const seeded = await seedCache(defaults.cacheDir, cacheDir, arch);
  const request: BuildRequest = {
    files: [EXAMPLE],
    arch,
    outDir: join(root, "out"),
    cacheDir,
    pkgRoot: defaults.pkgRoot,
    store: defaults.store,
    pull: false,
  };
  const cold = await timed(() => buildImage(request));
  if (cold.value.cached) throw new Error("the cold build was a cache hit: the cache was not fresh");
  const warmMs: number[] = [];
  for (let run = 0; run < WARM_RUNS; run++) {
    const warm = await timed(() => buildImage(request));
    if (!warm.value.cached) throw new Error(`warm build ${run + 1} was not a cache hit`);
    warmMs.push(round(warm.ms, 1));
  }
  const warmMedianMs = median(warmMs);
  return {
    rows: [
      { measure: "cold build, containerd example", value: formatMs(cold.ms), goal: "" },
      {
        measure: `warm build (cache hit, median of ${WARM_RUNS})`,
        value: `${warmMedianMs.toFixed(1)} ms`,
        goal: `≤ ${WARM_GOAL_MS} ms`,
        met: warmMedianMs <= WARM_GOAL_MS,
      },
    ],
    details: {
      example: relative(REPO_ROOT, EXAMPLE),
      arch,
      seeded,
      store: relative(REPO_ROOT, defaults.store.root),
      coldMs: round(cold.ms),
      warmMs,
      warmMedianMs,
      warmGoalMs: WARM_GOAL_MS,
    },
  };
}

// A cold build should time the builder, not the network: the downloads are copied in first. Copies
// get fresh times, so the apt lists count as current and no `apt-get update` runs.
async function seedCache(from: string, to: string, arch: Arch): Promise<string[]> {
  await mkdir(join(to, "kernels"), { recursive: true });
  const seeded: string[] = [];
  for (const part of ["apt", "debs"]) {
    if (!(await stat(join(from, part)).catch(() => undefined))) continue;
    await execa("cp", ["-r", join(from, part), to]);
    seeded.push(`${part}/`);
  }
  const config = await loadImageConfig([EXAMPLE]);
  const choice = chooseKernel(config.kernel, undefined);
  if (choice.kind === "debian") {
    // The builder keeps a kernel only unpacked, so the unpacked kernel is what is copied.
    const kernel = await fetchDebianKernel(choice.spec, arch, from);
    const unpacked = dirname(dirname(kernel.vmlinuz));
    await execa("cp", ["-r", unpacked, join(to, "kernels")]);
    seeded.push(`kernels/${basename(unpacked)}`);
  }
  return seeded;
}
