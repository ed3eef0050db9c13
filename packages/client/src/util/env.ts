/** Injectable sources of time and randomness, so sync logic is testable without sleeps. */

/** Wall clock in milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

/** Uniform random number in [0, 1). */
export type RandomSource = () => number;

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Math.random is fine for jitter: it only spreads retries, it protects nothing. */
export const systemRandom: RandomSource = () => Math.random();

/** A new random 16-byte id as 32 lower-case hex digits (the wire's id format). */
export function randomHexId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
