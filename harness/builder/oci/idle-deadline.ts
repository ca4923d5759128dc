// A deadline for one registry request that restarts whenever bytes arrive, so big layers may take long but stalls may not.

/** The abort reason when a request makes no progress in time. */
export class RequestTimeoutError extends Error {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs / 1000}s`);
    this.name = "RequestTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/** A signal that aborts after `timeoutMs` without `touch()`, or when the parent aborts; dispose it to clear the timer. */
export interface IdleDeadline extends Disposable {
  readonly signal: AbortSignal;
  /** True when the deadline, not the parent, aborted. */
  readonly expired: boolean;
  /** Restarts the countdown (progress was made). */
  touch(): void;
}

/** Starts an idle deadline of `timeoutMs` under an optional parent signal. */
export function startIdleDeadline(
  parent: AbortSignal | undefined,
  timeoutMs: number,
): IdleDeadline {
  const controller = new AbortController();
  let expired = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      expired = true;
      controller.abort(new RequestTimeoutError(timeoutMs));
    }, timeoutMs);
  };
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  arm();
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    touch: () => {
      if (!controller.signal.aborted) arm();
    },
    [Symbol.dispose]() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
