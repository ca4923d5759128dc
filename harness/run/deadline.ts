// Deadlines as AbortSignals: every wait has one, and every timer is cleared when the wait ends.

/** The abort reason when a deadline passes. */
export class DeadlineError extends Error {
  readonly deadlineMs: number;
  constructor(what: string, deadlineMs: number) {
    super(`${what} passed its deadline of ${Math.round(deadlineMs / 1000)}s`);
    this.name = "DeadlineError";
    this.deadlineMs = deadlineMs;
  }
}

/** A signal that aborts when the parent does or when `ms` pass; dispose it to clear the timer. */
export interface Deadline extends Disposable {
  signal: AbortSignal;
  /** True when this deadline (not the parent) fired. */
  readonly expired: boolean;
}

/** Starts a deadline of `ms` under `parent` (no deadline when ms is undefined). */
export function startDeadline(parent: AbortSignal, ms: number | undefined, what: string): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener("abort", onParentAbort, { once: true });
  const timer =
    ms === undefined
      ? undefined
      : setTimeout(() => {
          expired = true;
          controller.abort(new DeadlineError(what, ms));
        }, ms);
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    [Symbol.dispose]() {
      if (timer) clearTimeout(timer);
      parent.removeEventListener("abort", onParentAbort);
    },
  };
}

/** The reason a signal was aborted, always as an Error (DeadlineError and CancelledError pass through). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** True when a signal was aborted by a deadline rather than by cancellation. */
export function abortedByDeadline(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof DeadlineError;
}
