// Shard runs joined into one run record. Shards of one split "I/N" are interleaved back into the
// matrix order (sharding is round-robin); cells the plan expected but no shard reported become
// errors, so a shard job that died cannot turn the merged run green.
import { EXIT, inputError } from "../errors.ts";
import type { CellRecord, RunRecord } from "./run-record.ts";
import { countStatuses, exitCodeFor } from "./status.ts";

/** One shard's run and where it came from (for messages). */
export interface ShardRun {
  dir: string;
  run: RunRecord;
}

/** A cell the matrix plan holds (a row of `harness matrix --format json`). */
export interface PlannedCell {
  id: string;
  case: string;
  platform: string;
  arch: string;
  kernel: string;
  repeat: number;
  shard: string;
  summary?: string;
  kind?: "script" | "image";
}

/** The merged record and what did not add up. */
export interface MergeResult {
  run: RunRecord;
  /** Cells of the plan no shard reported (now errors). */
  missing: PlannedCell[];
  /** Cells no plan asked for (kept). */
  unplanned: string[];
  /** Shards "I/N" of the split that were not given. */
  missingShards: string[];
}

/** Merges `shards` into run `runId`; a cell in two shards is bad input (exit 2). */
export function mergeRuns(
  shards: readonly ShardRun[],
  options: { runId: string; expected?: readonly PlannedCell[] },
): MergeResult {
  checkDuplicates(shards);
  const ordered = mergedOrder(shards);
  const { cells, missing, unplanned } = options.expected
    ? withPlan(ordered, options.expected)
    : { cells: ordered, missing: [], unplanned: [] };
  const runs = shards.map((s) => s.run);
  const interrupted = runs.some((r) => r.state === "interrupted");
  const statuses = cells.map((c) => c.status);
  const startedAt = earliest(runs.map((r) => r.startedAt)) ?? new Date().toISOString();
  const finishedAt = latest(runs.map((r) => r.finishedAt)) ?? startedAt;
  const first = runs[0];
  const run: RunRecord = {
    schemaVersion: 1,
    runId: options.runId,
    state: interrupted ? "interrupted" : "complete",
    startedAt,
    finishedAt,
    durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt)),
    exitCode: interrupted ? EXIT.interrupted : exitCodeFor(statuses),
    inputs: mergedInputs(runs, cells),
    host: first?.host ?? emptyHost(),
    counts: countStatuses(statuses),
    cells,
    ...(first?.harness ? { harness: first.harness } : {}),
  };
  return { run, missing, unplanned, missingShards: missingShards(runs) };
}

function checkDuplicates(shards: readonly ShardRun[]): void {
  const seen = new Map<string, string>();
  for (const { dir, run } of shards) {
    for (const cell of run.cells) {
      const other = seen.get(cell.id);
      if (other !== undefined) {
        throw inputError("EMERGE", `cell ${cell.id} is in both ${other} and ${dir}`, {
          hint: "give each shard's run folder once (a retried shard job may have uploaded twice)",
        });
      }
      seen.set(cell.id, dir);
    }
  }
}

/** Shards of one complete split interleave back into matrix order; anything else is concatenated. */
function mergedOrder(shards: readonly ShardRun[]): CellRecord[] {
  const split = shards.map((s) => /^(\d+)\/(\d+)$/.exec(s.run.inputs.shard ?? ""));
  const count = Number(split[0]?.[2]);
  const indexes = split.map((m) => Number(m?.[1]));
  const complete =
    split.every((m) => m !== null && Number(m[2]) === count) &&
    new Set(indexes).size === count &&
    shards.length === count;
  if (!complete) return shards.flatMap((s) => s.run.cells);
  const byIndex = new Map(shards.map((s, i) => [indexes[i] as number, s.run.cells]));
  const cells: CellRecord[] = [];
  const rounds = Math.max(...[...byIndex.values()].map((c) => c.length));
  for (let round = 0; round < rounds; round++) {
    for (let index = 1; index <= count; index++) {
      const cell = byIndex.get(index)?.[round];
      if (cell) cells.push(cell);
    }
  }
  return cells;
}

function withPlan(cells: readonly CellRecord[], expected: readonly PlannedCell[]) {
  const byId = new Map(cells.map((c) => [c.id, c]));
  const planned = new Set(expected.map((p) => p.id));
  const missing = expected.filter((p) => !byId.has(p.id));
  return {
    cells: [
      ...expected.map((p) => byId.get(p.id) ?? missingCell(p)),
      ...cells.filter((c) => !planned.has(c.id)),
    ],
    missing,
    unplanned: cells.filter((c) => !planned.has(c.id)).map((c) => c.id),
  };
}

/** A planned cell no shard reported: an infrastructure error, never a pass. */
export function missingCell(planned: PlannedCell): CellRecord {
  return {
    id: planned.id,
    case: planned.case,
    summary: planned.summary ?? "",
    kind: planned.kind ?? "image",
    platform: planned.platform,
    arch: planned.arch,
    kernel: planned.kernel,
    repeat: planned.repeat,
    status: "error",
    reasons: [
      `shard ${planned.shard} reported no result for this cell (its job failed, was cancelled or uploaded nothing)`,
    ],
    durationMs: 0,
    dir: `cells/${planned.id}`,
    attempts: [],
    tests: [],
    testCounts: { pass: 0, fail: 0, skip: 0, todo: 0, xfail: 0, timeout: 0, error: 0 },
    reproduce: `npx harness run ${planned.case} --platform ${planned.platform} --arch ${planned.arch} --kernel ${planned.kernel}`,
  };
}

function mergedInputs(runs: readonly RunRecord[], cells: readonly CellRecord[]) {
  const first = runs[0]?.inputs;
  const union = (pick: (r: RunRecord["inputs"]) => readonly string[]) => [
    ...new Set(runs.flatMap((r) => pick(r.inputs))),
  ];
  // The first shard's inputs stand for the run's, less the shard it was.
  const inputs: Partial<RunRecord["inputs"]> = { ...first };
  delete inputs.shard;
  return {
    casesDir: ".",
    patterns: [],
    labels: [],
    parallel: 1,
    retries: 0,
    ...inputs,
    argv: withoutShardFlag(first?.argv ?? []),
    platforms: union((i) => i.platforms),
    arches: [...new Set([...union((i) => i.arches), ...cells.map((c) => c.arch)])].filter(
      (a): a is "x86_64" | "aarch64" => a === "x86_64" || a === "aarch64",
    ),
    kernels: [...new Set([...union((i) => i.kernels), ...cells.map((c) => c.kernel)])],
  };
}

function withoutShardFlag(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--shard") i++;
    else if (!argv[i]?.startsWith("--shard=")) out.push(argv[i] as string);
  }
  return out;
}

function missingShards(runs: readonly RunRecord[]): string[] {
  const splits = runs.map((r) => /^(\d+)\/(\d+)$/.exec(r.inputs.shard ?? "")).filter((m) => m);
  const counts = new Set(splits.map((m) => Number(m?.[2])));
  const missing: string[] = [];
  for (const count of counts) {
    const have = new Set(splits.filter((m) => Number(m?.[2]) === count).map((m) => Number(m?.[1])));
    for (let i = 1; i <= count; i++) if (!have.has(i)) missing.push(`${i}/${count}`);
  }
  return missing;
}

function earliest(times: readonly string[]): string | undefined {
  return [...times].sort()[0];
}

function latest(times: readonly string[]): string | undefined {
  return [...times].sort().at(-1);
}

function emptyHost(): RunRecord["host"] {
  return {
    hostname: "",
    os: "",
    distro: "",
    distroVersion: "",
    arch: "",
    cpus: 0,
    memoryBytes: 0,
    node: process.version,
  };
}
