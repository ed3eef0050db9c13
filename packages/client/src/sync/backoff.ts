import type { RandomSource } from '../util/env.ts';

/** Exponential backoff settings. */
export interface BackoffPolicy {
  /** Delay cap before jitter for the first retry, ms. */
  baseMs: number;
  /** Largest delay, ms. */
  maxMs: number;
}

/** 500 ms doubling up to one minute. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 60_000 };

/**
 * Delay before retry number `attempt` (1 = first retry): exponential backoff
 * with FULL jitter, `random() * min(maxMs, baseMs * 2^(attempt-1))`, so that
 * many clients failing together do not retry together.
 *
 * @example
 * const wait = backoffDelay(3, DEFAULT_BACKOFF, Math.random); // somewhere in [0, 2000)
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: RandomSource): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.floor(random() * cap);
}
