// harness run of the minimal case against raw qemu booting the same kernel and initrd, rounds
// interleaved so both see the same machine load; and the time to the first TAP result.
import { execa } from "execa";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { harnessRun, type HarnessRun } from "./lib/harness.ts";
import { formatMs, median, round } from "./lib/measure.ts";
import { rawQemu, rawQemuArgv, untunedQemuArgv, type RawImage } from "./lib/raw-qemu.ts";
import { scratch } from "./lib/temp.ts";
import type { Row } from "./lib/table.ts";
import type { BenchOptions, Measured } from "./lib/types.ts";

const RATIO_GOAL = 1.1;
const FIRST_RESULT_GOAL_MS = 3000;

/** Median wall times of raw qemu and harness run, their ratio, and the first result's arrival. */
export async function measureBoot(options: BenchOptions): Promise<Measured> {
  const minimal = ["minimal", "--cases", options.benchCases, "--platform", "qemu"];
  // The first run builds (or finds) the image and warms the caches; it is not timed.
  const image = await imageOf(passing(await harnessRun(minimal)));
  const untuned = { ...image, initrd: await gzipped(image.initrd) };
  const rawMs: number[] = [];
  const untunedMs: number[] = [];
  const harnessMs: number[] = [];
  const firstResultMs: number[] = [];
  const splits: Split[] = [];
  const stageMs: Record<string, number>[] = [];
  for (let round = 0; round < options.rounds; round++) {
    rawMs.push(await rawQemu(rawQemuArgv(image)));
    const run = passing(await harnessRun(minimal));
    harnessMs.push(run.ms);
    splits.push(split(run));
    untunedMs.push(await rawQemu(untunedQemuArgv(untuned)));
    const stages = run.record.cells[0]?.attempts.at(-1)?.machine?.stagesMs ?? {};
    firstResultMs.push(stages.result ?? NaN);
    stageMs.push(stages);
  }
  // Each round's harness run over the raw qemu boot just before it, so a burst of load on the
  // machine moves both sides of one ratio; the median of those ratios is the measure.
  const ratio = median(harnessMs.map((ms, i) => ms / (rawMs[i] as number)));
  const firstMs = median(firstResultMs);
  // Where the first result's time goes, by the console's stage marks (medians over the rounds).
  const between = (from: string, to: string) =>
    formatMs(median(stageMs.map((st) => (st[to] ?? NaN) - (st[from] ?? NaN))));
  const n = options.rounds;
  const part = (key: keyof Split) => median(splits.map((one) => one[key]));
  // Paired too: the boot and drive phases (qemu's spawn, its whole life, the wait for its exit)
  // less the raw boot of the same round.
  const guestOverRaw = median(splits.map((one, i) => one.guestMs - (rawMs[i] as number)));
  const row = (measure: string, value: string): Row => ({ measure, value, goal: "" });
  return {
    rows: [
      {
        measure: `raw qemu, minimal image (median of ${n})`,
        value: formatMs(median(rawMs)),
        goal: "reference",
      },
      row(`harness run, same image (median of ${n})`, formatMs(median(harnessMs))),
      {
        measure: "harness run ÷ raw qemu (median of paired rounds)",
        value: ratio.toFixed(3),
        goal: `≤ ${RATIO_GOAL.toFixed(2)}`,
        met: ratio <= RATIO_GOAL,
      },
      // Where harness run − raw qemu goes, each a median over the rounds.
      row("· harness start-up (node, modules, cases, plan)", formatMs(part("startupMs"))),
      row("· boot and drive phases − raw qemu", formatMs(guestOverRaw)),
      row("· build-cache hit, run folder, teardown", formatMs(part("restMs"))),
      row("· records, reports and exit", formatMs(part("tailMs"))),
      {
        measure: "first result after qemu start (TCG)",
        value: formatMs(firstMs),
        goal: `≤ ${FIRST_RESULT_GOAL_MS} ms`,
        met: firstMs <= FIRST_RESULT_GOAL_MS,
      },
      row("· qemu start → kernel (firmware, decompression)", between("firmware", "kernel")),
      row("· kernel → /init", between("kernel", "init")),
      row("· /init → banner (mounts, modules, network)", between("init", "test")),
      row("· banner → first result (runc starts the container)", between("test", "result")),
      {
        measure: "raw qemu, untuned boot (NIC ROM, gzip'd initrd)",
        value: formatMs(median(untunedMs)),
        goal: "reference",
      },
    ],
    details: {
      rounds: n,
      rawQemuMs: rawMs.map((ms) => round(ms)),
      untunedRawQemuMs: untunedMs.map((ms) => round(ms)),
      harnessRunMs: harnessMs.map((ms) => round(ms)),
      firstResultMs,
      splits,
      stageMs,
      harnessOverRawQemu: round(ratio, 3),
      medianOverMedian: round(median(harnessMs) / median(rawMs), 3),
      harnessOverRawQemuGoal: RATIO_GOAL,
      firstResultMedianMs: firstMs,
      firstResultGoalMs: FIRST_RESULT_GOAL_MS,
      rawQemuArgv: rawQemuArgv({ kernel: "KERNEL", initrd: "INITRD", cmdline: image.cmdline }),
    },
  };
}

/** Where one harness run's time went, in ms: see split(). */
interface Split {
  startupMs: number;
  guestMs: number;
  restMs: number;
  tailMs: number;
}

// Start-up is spawn → the run's start; the guest is the boot and drive phases (qemu's lifetime,
// near enough); the tail is the run's end → the process's exit; the rest is everything between.
function split(run: HarnessRun): Split {
  const attempt = run.record.cells[0]?.attempts.at(-1);
  const phase = (name: string) => attempt?.phases.find((p) => p.name === name)?.durationMs ?? 0;
  const startupMs = Date.parse(run.record.startedAt) - run.spawnedAt;
  const guestMs = phase("boot") + phase("drive");
  const tailMs = run.exitedAt - Date.parse(run.record.finishedAt);
  return {
    startupMs,
    guestMs: round(guestMs),
    restMs: round(run.ms - startupMs - guestMs - tailMs),
    tailMs,
  };
}

/** The run, if its one cell passed; a failing minimal case makes every number meaningless. */
export function passing(run: HarnessRun): HarnessRun {
  const bad = run.record.cells.filter((cell) => cell.status !== "pass");
  if (bad.length > 0 || run.record.cells.length === 0)
    throw new Error(
      `bench cells did not pass: ${bad.map((c) => `${c.id} ${c.status} ${c.reasons.join("; ")}`).join(", ")}`,
    );
  return run;
}

async function imageOf(run: HarnessRun): Promise<RawImage> {
  const cell = run.record.cells[0];
  if (!cell) throw new Error("the minimal run has no cell");
  const dir = join(run.runDir, cell.dir, "image");
  return {
    kernel: join(dir, "image-kernel"),
    initrd: join(dir, "image-initrd.img"),
    cmdline: await readFile(join(dir, "image-cmdline"), "utf8"),
  };
}

// The initrd as the builder wrote it before it stopped compressing (gzip -6, node's default level).
async function gzipped(initrd: string): Promise<string> {
  const file = join(await scratch("gzip"), "initrd.img.gz");
  await execa("sh", ["-c", 'gzip -6 -c "$1" > "$2"', "sh", initrd, file]);
  return file;
}
