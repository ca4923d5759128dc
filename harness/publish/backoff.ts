// Retrying a lost race: exponential backoff with full jitter, so publishers that collided spread out.
import { setTimeout as sleep } from "node:timers/promises";

/** How often and how long to retry. */
export interface BackoffPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
}

/** Enough for dozens of runners publishing at the same moment. */
export const DEFAULT_BACKOFF: BackoffPolicy = { attempts: 12, baseMs: 100, capMs: 5000 };

/** A delay for retry number `retry` (1-based): uniform in [0, min(cap, base·2^retry)). */
export function backoffDelayMs(policy: BackoffPolicy, retry: number, random = Math.random): number {
  return Math.floor(random() * Math.min(policy.capMs, policy.baseMs * 2 ** retry));
}

/**
 * Runs `attempt` until it succeeds; retries only errors `retryable` accepts, waiting a jittered
 * backoff between tries, and rethrows the last error when the attempts are spent.
 */
export async function withBackoff<T>(
  attempt: (number: number) => Promise<T>,
  options: {
    policy: BackoffPolicy;
    retryable: (error: unknown) => boolean;
    signal: AbortSignal;
    onRetry?: (error: unknown, delayMs: number, number: number) => void;
  },
): Promise<T> {
  for (let number = 1; ; number++) {
    try {
      return await attempt(number);
    } catch (error) {
      if (number >= options.policy.attempts || !options.retryable(error)) throw error;
      const delayMs = backoffDelayMs(options.policy, number);
      options.onRetry?.(error, delayMs, number);
      await sleep(delayMs, undefined, { signal: options.signal });
    }
  }
}
