/** Retry schedule of the outbox. */
export interface BackoffPolicy {
  /** First retry delay. Default 1 s. */
  baseMs: number;
  /** Longest delay, also the cap on a platform's Retry-After. Default 15 min. */
  maxMs: number;
  /** Attempts before an item fails for good. Default 12 (about 1.5 h of retries at the defaults). */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 15 * 60_000, maxAttempts: 12 };

/**
 * Delay before attempt `attempts + 1`: the platform's Retry-After when it gave one (never sooner),
 * else exponential. No jitter: items are already spread by their own arrival times, and a
 * deterministic schedule keeps the outbox testable with an explicit clock.
 */
export function retryDelayMs(policy: BackoffPolicy, attempts: number, retryAfterMs: number | null): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  if (retryAfterMs !== null) return Math.min(policy.maxMs, Math.max(retryAfterMs, 0));
  return exponential;
}
