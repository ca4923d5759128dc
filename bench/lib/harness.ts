// Runs the harness CLI as a user would (bin/harness run …) into a throw-away logs folder, timing
// the whole process and, when asked, sampling its peak memory (VmHWM) while it runs.
import { execa } from "execa";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT } from "../../harness/builder/context.ts";
import type { RunRecord } from "../../harness/results/run-record.ts";
import { timed } from "./measure.ts";
import { scratch } from "./temp.ts";

const HARNESS = join(REPO_ROOT, "bin", "harness");
const SAMPLE_MS = 50;

/** What one `harness run` took and recorded. */
export interface HarnessRun {
  ms: number;
  /** Wall-clock times (Date.now()) of the spawn and of the process's end, to split the run up. */
  spawnedAt: number;
  exitedAt: number;
  exitCode: number;
  record: RunRecord;
  runDir: string;
  /** The harness process's own peak resident memory in KiB (its qemu children not included). */
  peakKiB?: number;
}

/** `harness run ARGS --logs <temp> --run-id b`; the run record must exist afterwards. With `logs`,
 * runs go into that kept folder instead (each its own run id), so later runs see earlier ones. */
export async function harnessRun(
  args: readonly string[],
  options: { sampleMemory?: boolean; logs?: string } = {},
): Promise<HarnessRun> {
  const logs = options.logs ?? (await scratch("logs"));
  const runId = options.logs ? `b-${new Date().toISOString().replace(/[-:.]/g, "")}` : "b";
  const spawnedAt = Date.now();
  const child = execa(HARNESS, ["run", ...args, "--logs", logs, "--run-id", runId, "--quiet"], {
    reject: false,
    stdin: "ignore",
  });
  const sampler = options.sampleMemory && child.pid ? sampleHwm(child.pid) : undefined;
  const { ms, value } = await timed(async () => child);
  const exitedAt = Date.now();
  const peakKiB = sampler?.stop();
  const runDir = join(logs, runId);
  const text = await readFile(join(runDir, "run.json"), "utf8").catch(() => {
    throw new Error(`harness run ${args.join(" ")} wrote no run.json:\n${String(value.stderr)}`);
  });
  return {
    ms,
    spawnedAt,
    exitedAt,
    exitCode: value.exitCode ?? -1,
    record: JSON.parse(text) as RunRecord,
    runDir,
    ...(peakKiB === undefined ? {} : { peakKiB }),
  };
}

// VmHWM is the process's own high-water mark, so the last reading before it exits is its peak;
// bin/harness execs node, so the pid is the node process itself.
function sampleHwm(pid: number): { stop(): number | undefined } {
  let peakKiB: number | undefined;
  const read = async () => {
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
    if (Number.isFinite(kib)) peakKiB = Math.max(peakKiB ?? 0, kib);
  };
  const timer = setInterval(() => void read(), SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      return peakKiB;
    },
  };
}
