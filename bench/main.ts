// `npm run bench`: every speed measurement in one run, one table (measure | value | goal | met),
// and the numbers behind it in bench/results/. `bench/main.ts build boot …` runs only those.
// Ratios are against raw qemu booting the same image in this very run, never a recorded number.
import { execa } from "execa";
import { readFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { join, relative } from "node:path";
import { buildContext, REPO_ROOT } from "../harness/builder/context.ts";
import { accelFor } from "../platforms/qemu/accel-probe.ts";
import { measureBoot } from "./boot.ts";
import { measureBuild } from "./build.ts";
import { measureMemory } from "./memory.ts";
import { measurePanic } from "./panic.ts";
import { measureParallel } from "./parallel.ts";
import { measureStartup } from "./startup.ts";
import { measurePresets, presetsToRun } from "./presets.ts";
import { cpuSnapshot, othersShare } from "./lib/contention.ts";
import { round } from "./lib/measure.ts";
import { formatTable, type Row } from "./lib/table.ts";
import { removeScratch } from "./lib/temp.ts";
import { writeJson } from "./lib/write-json.ts";
import type { BenchOptions, Measured } from "./lib/types.ts";

const date = new Date().toISOString().slice(0, 10);
// Above this share of the machine used by others, the timings say more about them than about us.
const QUIET = 0.1;
const options: BenchOptions = {
  benchCases: join(REPO_ROOT, "bench", "cases"),
  fixtureCases: join(REPO_ROOT, "test", "fixtures", "image-cases"),
  rounds: Number(process.env.BENCH_ROUNDS ?? 9),
};
const MEASURES: Record<string, () => Promise<Measured>> = {
  build: measureBuild,
  startup: () => measureStartup(options),
  boot: () => measureBoot(options),
  panic: () => measurePanic(options),
  parallel: () => measureParallel(options),
  memory: () => measureMemory(options),
  presets: () => measurePresets(presetsToRun(process.env.BENCH_PRESETS), date),
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in MEASURES));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: unknown measure ${unknown.join(", ")}; choose from ${Object.keys(MEASURES).join(", ")}\n`,
  );
  process.exit(2);
}
const chosen = asked.length > 0 ? asked : Object.keys(MEASURES);
const machine = await describeMachine();
process.stdout.write(`${machine.line}\n`);
const rows: Row[] = [];
const details: Record<string, unknown> = {};
const busyness: Record<string, number> = {};
const started = await cpuSnapshot();
try {
  for (const name of chosen) {
    process.stderr.write(`bench: ${name}…\n`);
    const before = await cpuSnapshot();
    const measured = await (MEASURES[name] as () => Promise<Measured>)();
    busyness[name] = round(othersShare(before, await cpuSnapshot()), 3);
    rows.push(...measured.rows);
    details[name] = { ...measured.details, othersCpuShare: busyness[name] };
  }
} finally {
  await removeScratch();
}
const othersOverall = othersShare(started, await cpuSnapshot());
rows.push({
  measure: "CPU used by other processes during the bench",
  value: `${(othersOverall * 100).toFixed(1)} %`,
  goal: `≤ ${QUIET * 100} % for timings to trust`,
});
if (othersOverall > QUIET)
  process.stderr.write(
    `bench: other processes used ${(othersOverall * 100).toFixed(0)} % of the machine; the timings are skewed (per measure: ${JSON.stringify(busyness)})\n`,
  );
const table = formatTable(rows);
process.stdout.write(`\n${table}\n`);
const file = join(
  REPO_ROOT,
  "bench",
  "results",
  asked.length > 0 ? `bench-${chosen.join("-")}.json` : "bench.json",
);
await writeJson(file, { date, machine: machine.facts, othersCpuShare: busyness, rows, details });
process.stdout.write(`\nwrote ${relative(REPO_ROOT, file)}\n`);
const missed = rows.filter((row) => row.met === false).length;
process.exitCode = missed > 0 ? 1 : 0;

// The date, the CPU model as /proc/cpuinfo names it, cores, memory, qemu's version, TCG or KVM.
async function describeMachine(): Promise<{ line: string; facts: Record<string, unknown> }> {
  const cpuinfo = await readFile("/proc/cpuinfo", "utf8").catch(() => "");
  const model =
    /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
  const qemu = await execa("qemu-system-x86_64", ["--version"], { reject: false });
  const accel = await accelFor("x86_64", buildContext(process.env).cacheDir);
  const facts = {
    date,
    cpu: model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    qemu: String(qemu.stdout).split("\n")[0] ?? "absent",
    node: process.version,
    accelerator: accel.accelerator,
  };
  const line = `bench ${date}: ${facts.cpu}, ${facts.cores} cores, ${facts.memoryGiB} GiB, ${facts.qemu} (${accel.accelerator}), node ${facts.node}`;
  return { line, facts };
}
