/**
 * Passing store trouble (a full disk, an unreachable PostgreSQL; see
 * storage/unavailable.ts) as the server's operators and load balancers see
 * it. Every request it fails is answered 503 with Retry-After; the log gets
 * one line per kind of trouble per window (with how many requests it
 * refused meanwhile), not a stack trace per request, which on a full disk
 * would only fill it faster. /readyz answers 503 while the disk was full
 * within the window, so a load balancer moves writes to instances that
 * can take them, and tries this one again when the window has passed.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { StoreTrouble } from '../storage/unavailable.ts';

/** How long one kind of trouble is remembered after its last occurrence. */
export const STORE_TROUBLE_WINDOW_MS = 30_000;

const SAID: Record<StoreTrouble, string> = {
  out_of_space: 'the store is out of storage space',
  unreachable: 'the store (PostgreSQL) is unreachable',
};

export class StoreHealth {
  readonly #now: () => number;
  readonly #lastSeen = new Map<StoreTrouble, number>();
  readonly #lastLogged = new Map<StoreTrouble, number>();
  readonly #unlogged = new Map<StoreTrouble, number>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** A request failed with `trouble`: remember it, and log it unless it was logged within the window. */
  failed(trouble: StoreTrouble, log: FastifyBaseLogger): void {
    const now = this.#now();
    this.#lastSeen.set(trouble, now);
    const logged = this.#lastLogged.get(trouble);
    if (logged !== undefined && now - logged < STORE_TROUBLE_WINDOW_MS) {
      this.#unlogged.set(trouble, (this.#unlogged.get(trouble) ?? 0) + 1);
      return;
    }
    const refusedSinceLastLine = this.#unlogged.get(trouble) ?? 0;
    this.#unlogged.set(trouble, 0);
    this.#lastLogged.set(trouble, now);
    log.error(
      { storeTrouble: trouble, refusedSinceLastLine },
      `${SAID[trouble]}: answering 503 with Retry-After (logged at most every ${STORE_TROUBLE_WINDOW_MS / 1000} s)`,
    );
  }

  /** True while the store ran out of space within the window (/readyz is then not ready). */
  outOfSpaceRecently(): boolean {
    const seen = this.#lastSeen.get('out_of_space');
    return seen !== undefined && this.#now() - seen < STORE_TROUBLE_WINDOW_MS;
  }
}
