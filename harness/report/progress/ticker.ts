// A refresh timer that cannot outlive its use: unref'd, stopped by `stop()`, and stopped by
// itself once its deadline passes even if nobody calls `stop()`.

/** A running refresh timer. */
export interface Ticker {
  stop(): void;
  readonly running: boolean;
}

/** Calls `tick` every `intervalMs` until stopped or until `deadlineMs` have passed. */
export function startTicker(tick: () => void, intervalMs: number, deadlineMs: number): Ticker {
  const endsAt = performance.now() + deadlineMs;
  let running = true;
  const timer = setInterval(() => {
    if (performance.now() >= endsAt) {
      stop();
      return;
    }
    tick();
  }, intervalMs);
  timer.unref();
  function stop(): void {
    running = false;
    clearInterval(timer);
  }
  return {
    stop,
    get running() {
      return running;
    },
  };
}
