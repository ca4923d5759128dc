// `npm run bench`: every speed measurement in one run, one table (measure | value | goal | met),
// and the numbers behind it in bench/results/. `bench/main.ts build boot …` runs only those.
// Ratios are against raw qemu booting the same image in this very run, never a recorded number.
import { execa } from "execa";
import { readFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { join, relative } from "node:path";
import { buildContext, REPO_ROOT } from "../harness/build/context.ts";
import { accelFor } from "../platforms/qemu/accel-probe.ts";
import { measureBoot } from "./boot.ts";
import { measureBuild } from "./build.ts";
import { measureMemory } from "./memory.ts";
import { measurePanic } from "./panic.ts";
import { measureParallel } from "./parallel.ts";
import { measurePresets, presetsToRun } from "./presets.ts";
import { formatTable, type Row } from "./lib/table.ts";
import { removeScratch } from "./lib/temp.ts";
import { writeJson } from "./lib/write-json.ts";
import type { BenchOptions, Measured } from "./lib/types.ts";

const date = new Date().toISOString().slice(0, 10);
const options: BenchOptions = {
  benchCases: join(REPO_ROOT, "bench", "cases"),
  fixtureCases: join(REPO_ROOT, "test", "fixtures", "image-cases"),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
};
const MEASURES: Record<string, () => Promise<Measured>> = {
  build: measureBuild,
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
try {
  for (const name of chosen) {
    process.stderr.write(`bench: ${name}…\n`);
    const measured = await (MEASURES[name] as () => Promise<Measured>)();
    rows.push(...measured.rows);
    details[name] = measured.details;
  }
} finally {
  await removeScratch();
}
const table = formatTable(rows);
process.stdout.write(`\n${table}\n`);
const file = join(
  REPO_ROOT,
  "bench",
  "results",
  asked.length > 0 ? `bench-${chosen.join("-")}.json` : "bench.json",
);
await writeJson(file, { date, machine: machine.facts, rows, details });
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
