// A rough estimate of a run's remaining time from how long its finished cells took.

/** What the estimate is made from. */
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
  const meanMs = input.finishedMs.reduce((sum, ms) => sum + ms, 0) / input.finishedMs.length;
  const queued = Math.max(0, input.total - input.done - input.runningElapsedMs.length);
  // A cell already past the mean is assumed to need a tenth of it more, not nothing.
  const runningWorkMs = input.runningElapsedMs.reduce(
    (sum, elapsed) => sum + Math.max(meanMs - elapsed, meanMs / 10),
    0,
  );
  const lanes = Math.max(1, Math.min(input.parallel, queued + input.runningElapsedMs.length));
  return (runningWorkMs + queued * meanMs) / lanes;
}
