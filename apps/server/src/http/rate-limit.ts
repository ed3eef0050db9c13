/**
 * In-memory token buckets for the authentication routes. Per process: several
 * instances each allow the rate, which still bounds online guessing.
 */

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface RateLimitRule {
  /** Burst size. */
  capacity: number;
  /** Tokens regained per second. */
  refillPerSecond: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #rule: RateLimitRule;
  readonly #maxKeys: number;

  constructor(rule: RateLimitRule, maxKeys = 100_000) {
    this.#rule = rule;
    this.#maxKeys = maxKeys;
  }

  /**
   * Take one token for `key`; returns 0 when allowed, else the seconds to wait.
   *
   * @example
   * const wait = limiter.take(`${ip}|${username}`, Date.now());
   * if (wait > 0) throw new ApiError('rate_limited', ...);
   */
  take(key: string, now: number): number {
    const { capacity, refillPerSecond } = this.#rule;
    let bucket = this.#buckets.get(key);
    if (bucket) {
      const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
      bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * refillPerSecond);
      bucket.updatedAt = now;
      // Refresh the insertion order so the oldest keys are evicted first.
      this.#buckets.delete(key);
      this.#buckets.set(key, bucket);
    } else {
      if (this.#buckets.size >= this.#maxKeys) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
      bucket = { tokens: capacity, updatedAt: now };
      this.#buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / refillPerSecond);
  }

  /**
   * Seconds until `key` holds `tokens` tokens (0 when it does now); takes none.
   *
   * @example
   * const wait = limiter.secondsUntil(`${ip}|${username}`, Date.now(), 3);
   */
  secondsUntil(key: string, now: number, tokens: number): number {
    const { capacity, refillPerSecond } = this.#rule;
    const bucket = this.#buckets.get(key);
    if (!bucket) return 0;
    const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
    const held = Math.min(capacity, bucket.tokens + elapsed * refillPerSecond);
    const wanted = Math.min(tokens, capacity);
    return held >= wanted ? 0 : Math.ceil((wanted - held) / refillPerSecond);
  }
}
