import { setTimeout as delay } from "node:timers/promises";

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 10_000 };

/** Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.max(policy.initialMs / 2, Math.floor(ceiling * random()));
}

/** Thrown when a retry loop is abandoned because the caller is shutting down or lost the partition. */
export class RetryAbortedError extends Error {
  constructor(readonly lastError: unknown) {
    super(`retry abandoned: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    this.name = "RetryAbortedError";
  }
}

export interface RetryHooks {
  policy: BackoffPolicy;
  /** Aborted: stop retrying (the batch stays uncommitted and is consumed again). */
  signal?: AbortSignal;
  /** Whether this error is worth another attempt; others are thrown at once. */
  retriable: (err: unknown) => boolean;
  /** Called before each wait: count the retry, keep the consumer's group membership alive. */
  onRetry: (err: unknown, attempt: number, waitMs: number) => void | Promise<void>;
}

/** Runs an operation until it succeeds, a non-retriable error occurs, or the signal aborts. */
export async function retryWithBackoff<T>(operation: () => Promise<T>, hooks: RetryHooks): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation();
    } catch (err) {
      if (!hooks.retriable(err)) throw err;
      if (hooks.signal?.aborted) throw new RetryAbortedError(err);
      const waitMs = backoffDelay(hooks.policy, attempt);
      await hooks.onRetry(err, attempt, waitMs);
      try {
        await delay(waitMs, undefined, { signal: hooks.signal });
      } catch {
        throw new RetryAbortedError(err);
      }
    }
  }
}
