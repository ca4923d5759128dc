// The time a run has left: from how long each cell took in earlier runs when they say, else from how
// long this run's finished cells took.

/** What the estimate from this run alone is made from. */
export interface EtaInput {
  total: number;
  done: number;
  parallel: number;
  /** Durations of finished cells that ran (skips left out). */
  finishedMs: readonly number[];
  /** How long each running cell has been running. */
  runningElapsedMs: readonly number[];
}

/** Milliseconds left: queued and running cells at the mean cell duration, over the parallelism. */
export function estimateRemainingMs(input: EtaInput): number | undefined {
  if (input.finishedMs.length === 0) return undefined;
  const meanMs = mean(input.finishedMs);
  const queued = Math.max(0, input.total - input.done - input.runningElapsedMs.length);
  // A cell already past the mean is assumed to need a tenth of it more, not nothing.
  const runningWorkMs = input.runningElapsedMs.reduce(
    (sum, elapsed) => sum + Math.max(meanMs - elapsed, meanMs / 10),
    0,
  );
  const lanes = Math.max(1, Math.min(input.parallel, queued + input.runningElapsedMs.length));
  return (runningWorkMs + queued * meanMs) / lanes;
}

/** What the estimate from earlier runs is made from; `expectedMs` is undefined for a cell never timed. */
export interface PlannedEtaInput {
  parallel: number;
  queued: readonly { expectedMs: number | undefined }[];
  running: readonly { expectedMs: number | undefined; elapsedMs: number }[];
  /** Durations of this run's finished cells, standing in for cells never timed before. */
  finishedMs: readonly number[];
}

/** Milliseconds left when the cells' earlier durations are known: the running cells' rest and the
 * queued cells, longest first, laid on the parallel lanes as the scheduler starts them. */
export function estimateFromPastRuns(input: PlannedEtaInput): number | undefined {
  const known = [...input.queued, ...input.running].flatMap((c) =>
    c.expectedMs === undefined ? [] : [c.expectedMs],
  );
  if (known.length === 0) return undefined;
  const fallbackMs = input.finishedMs.length > 0 ? mean(input.finishedMs) : mean(known);
  const lanes = input.running.map(({ expectedMs = fallbackMs, elapsedMs }) =>
    // A cell past its usual time is assumed to need a tenth of it more, not nothing.
    Math.max(expectedMs - elapsedMs, expectedMs / 10),
  );
  while (lanes.length < Math.max(1, input.parallel)) lanes.push(0);
  const queued = input.queued.map((c) => c.expectedMs ?? fallbackMs).sort((a, b) => b - a);
  for (const ms of queued) {
    const free = lanes.indexOf(Math.min(...lanes));
    lanes[free] = (lanes[free] ?? 0) + ms;
  }
  return Math.max(...lanes);
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, ms) => sum + ms, 0) / values.length;
}
