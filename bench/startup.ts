// CLI start-up: `harness list` of the bench cases from the bundle bin/harness runs, from the
// sources (HARNESS_BUNDLE=0), and a bare `node -e 0` for the floor, interleaved round by round.
import { execa } from "execa";
import { join } from "node:path";
import { REPO_ROOT } from "../harness/builder/context.ts";
import { formatMs, median, round, timed } from "./lib/measure.ts";
import type { BenchOptions, Measured } from "./lib/types.ts";

const HARNESS = join(REPO_ROOT, "bin", "harness");
const WITH_NODE = join(REPO_ROOT, "bin", "with-node");

/** Median wall times of one short command started each way. */
export async function measureStartup(options: BenchOptions): Promise<Measured> {
  const list = ["list", "--cases", options.benchCases];
  const ways = {
    bundle: () => execa(HARNESS, list, { env: { HARNESS_BUNDLE: "1" } }),
    sources: () => execa(HARNESS, list, { env: { HARNESS_BUNDLE: "0" } }),
    node: () => execa(WITH_NODE, ["-e", "0"]),
  };
  // The first of each warms the disk and compile caches (and builds the bundle if it is stale).
  for (const start of Object.values(ways)) await start();
  const ms: Record<keyof typeof ways, number[]> = { bundle: [], sources: [], node: [] };
  for (let round = 0; round < options.rounds * 2; round++)
    for (const [way, start] of Object.entries(ways))
      ms[way as keyof typeof ways].push((await timed(start)).ms);
  const n = options.rounds * 2;
  const row = (measure: string, values: number[]) => ({
    measure: `${measure} (median of ${n})`,
    value: formatMs(median(values)),
    goal: "",
  });
  return {
    rows: [
      row("harness list, bundled CLI (what bin/harness runs)", ms.bundle),
      row("harness list, from the TypeScript sources", ms.sources),
      row("node -e 0, the floor", ms.node),
    ],
    details: Object.fromEntries(
      Object.entries(ms).map(([way, v]) => [way, v.map((x) => round(x, 1))]),
    ),
  };
}
