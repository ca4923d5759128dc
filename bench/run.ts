// Benchmark: `harness run` of a minimal boot case against raw qemu booting the same kernel and
// initrd, measured in the same run, plus the panic-to-verdict latency. Prints a table, writes JSON.
import { execa } from "execa";
import { mkdtemp, readFile, writeFile, mkdir } from "node:fs/promises";
import { tmpdir, cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { qemuCommandLine } from "../platforms/qemu/command-line.ts";
import type { RunRecord } from "../harness/results/run-record.ts";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");
const HARNESS = join(REPO, "bin", "harness");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function harnessRun(
  cases: string,
  pattern: string,
): Promise<{ ms: number; record: RunRecord; runDir: string }> {
  const logs = await mkdtemp(join(tmpdir(), "bench-"));
  const { ms } = await timed(() =>
    execa(
      HARNESS,
      ["run", pattern, "--cases", cases, "--platform", "qemu", "--logs", logs, "--run-id", "b"],
      { reject: false },
    ),
  );
  const runDir = join(logs, "b");
  return {
    ms,
    record: JSON.parse(await readFile(join(runDir, "run.json"), "utf8")) as RunRecord,
    runDir,
  };
}

async function rawQemu(kernel: string, initrd: string, cmdline: string): Promise<number> {
  const [binary = "", ...args] = qemuCommandLine({
    arch: "x86_64",
    accelerator: "tcg",
    image: { kernel, initrd, cmdline },
    memoryMiB: 512,
    cpus: 1,
    disks: [],
    forwards: [],
  });
  const { ms, value } = await timed(() => execa(binary, args, { reject: false, stdin: "ignore" }));
  if (!String(value.stdout).includes("reboot: Power down"))
    throw new Error(`raw qemu did not power off cleanly:\n${String(value.stdout).slice(-500)}`);
  return ms;
}

const benchCases = join(REPO, "bench", "cases");
const warm = await harnessRun(benchCases, "minimal");
if (warm.record.cells[0]?.status !== "pass")
  throw new Error(
    `the minimal case does not pass: ${JSON.stringify(warm.record.cells[0]?.reasons)}`,
  );
const image = join(warm.runDir, warm.record.cells[0].dir, "image");
const cmdline = await readFile(join(image, "image-cmdline"), "utf8");
const harnessMs: number[] = [];
const rawMs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  rawMs.push(await rawQemu(join(image, "image-kernel"), join(image, "image-initrd.img"), cmdline));
  harnessMs.push((await harnessRun(benchCases, "minimal")).ms);
}
const panic = await harnessRun(join(REPO, "test", "fixtures", "image-cases"), "vm.panic");
const stages = panic.record.cells[0]?.attempts[0]?.machine?.stagesMs ?? {};
const panicToVerdictMs = (stages.verdict ?? NaN) - (stages.fatal ?? NaN);

const ratio = median(harnessMs) / median(rawMs);
const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    accelerator: warm.record.cells[0].attempts[0]?.machine?.accelerator,
  },
  rounds: ROUNDS,
  rawQemuMedianMs: Math.round(median(rawMs)),
  harnessRunMedianMs: Math.round(median(harnessMs)),
  harnessOverRawQemu: Number(ratio.toFixed(3)),
  harnessOverRawQemuGoal: 1.1,
  panicToVerdictMs,
  panicToVerdictGoalMs: 1000,
};
await mkdir(join(REPO, "bench", "results"), { recursive: true });
await writeFile(
  join(REPO, "bench", "results", "run.json"),
  `${JSON.stringify(results, null, 2)}\n`,
);
const row = (name: string, value: string, goal: string, met: boolean) =>
  `| ${name.padEnd(42)} | ${value.padStart(10)} | ${goal.padStart(8)} | ${met ? "met" : "NOT met"} |`;
console.log(
  `| ${"measure".padEnd(42)} | ${"value".padStart(10)} | ${"goal".padStart(8)} | status |`,
);
console.log(`|${"-".repeat(44)}|${"-".repeat(12)}|${"-".repeat(10)}|--------|`);
console.log(row("raw qemu, minimal image (median)", `${results.rawQemuMedianMs} ms`, "", true));
console.log(row("harness run, same image (median)", `${results.harnessRunMedianMs} ms`, "", true));
console.log(row("harness run ÷ raw qemu", ratio.toFixed(3), "≤ 1.10", ratio <= 1.1));
console.log(
  row("panic line → cell verdict", `${panicToVerdictMs} ms`, "≤ 1000", panicToVerdictMs <= 1000),
);
