// Wall time of whole presets (`harness run --preset pr|nightly`). The nightly preset takes the
// better part of twenty minutes, so presets run only with BENCH_PRESETS=1 (or a list such as
// "pr,nightly:x86_64" — NAME:ARCH runs one arch of a preset); otherwise the last recorded numbers
// are shown, marked as not measured in this run. Preset runs keep their logs in the cache, so each
// starts the cells earlier ones timed longest first, as a nightly runner keeping its logs would.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { buildContext, REPO_ROOT } from "../harness/builder/context.ts";
import { harnessRun } from "./lib/harness.ts";
import { formatMs, round } from "./lib/measure.ts";
import type { Row } from "./lib/table.ts";
import type { Measured } from "./lib/types.ts";
import { writeJson } from "./lib/write-json.ts";

const PRESETS = ["pr", "nightly"] as const;
const RECORDED = join(REPO_ROOT, "bench", "results", "presets.json");

/** One preset's last wall time and where the number comes from. */
export interface PresetTiming {
  wallMs: number;
  cells: number;
  passed: number;
  date: string;
  /** "bench" when this script measured it; otherwise where it was recorded (the README). */
  source: string;
}

/** The presets BENCH_PRESETS asks for: "1" for all, or a comma list of NAME or NAME:ARCH. */
export function presetsToRun(value: string | undefined): string[] {
  if (!value || value === "0") return [];
  if (value === "1") return [...PRESETS];
  return value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
}

/** Runs the asked presets and records them; shows the recorded numbers for the rest. */
export async function measurePresets(toRun: readonly string[], date: string): Promise<Measured> {
  const recorded = JSON.parse(await readFile(RECORDED, "utf8").catch(() => "{}")) as Record<
    string,
    PresetTiming
  >;
  const measured = new Set<string>();
  for (const preset of toRun) {
    const [name = preset, arch] = preset.split(":");
    // Kept between benches as a nightly runner keeps its logs: the run starts the cells earlier
    // runs timed longest first, as it would there.
    const logs = join(buildContext(process.env).cacheDir, "bench", "preset-logs");
    const run = await harnessRun(["--preset", name, ...(arch ? ["--arch", arch] : [])], { logs });
    const cells = run.record.cells.length;
    const passed = run.record.cells.filter(
      (c) => c.status === "pass" || c.status === "skip",
    ).length;
    recorded[preset] = { wallMs: round(run.ms), cells, passed, date, source: "bench" };
    measured.add(preset);
  }
  if (measured.size > 0) await writeJson(RECORDED, recorded);
  const rows: Row[] = Object.entries(recorded).map(([preset, timing]) => ({
    measure: `\`${preset}\` preset wall time (${timing.passed}/${timing.cells} cells passing)`,
    value: formatMs(timing.wallMs),
    goal: measured.has(preset)
      ? ""
      : `not measured in this run: recorded ${timing.date}${timing.source === "bench" ? "" : ` (${timing.source})`}`,
  }));
  return { rows, details: { measured: [...measured], presets: recorded } };
}
