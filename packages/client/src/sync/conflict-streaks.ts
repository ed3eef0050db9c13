/**
 * Conflicts in a row per record, so that a push run cannot go round for
 * ever. After a conflict the record's write is resolved and pushed again at
 * once; an honest server then applies it (or another device won meanwhile,
 * rarely twice in a row). A server that answers every push with a newer
 * version (a malicious one, or the mocks' `conflict: true`) held the sync
 * for ever and filled the store with a conflict copy per round. So a record
 * gets a few rounds in a row, then one try per run, each after a growing
 * backoff, until a push of it applies.
 */
import type { OutboxEntry } from '../store/types.ts';
import type { SyncContext } from './context.ts';
import { rescheduleAfterFailure } from './outbox.ts';

/** Rounds in a row before the record waits for a backoff between tries. */
export const CONFLICT_ROUNDS = 3;

const streaks = new WeakMap<SyncContext, Map<string, number>>();
const keyOf = (e: Pick<OutboxEntry, 'vaultId' | 'recordId'>) => `${e.vaultId}/${e.recordId}`;

function of(ctx: SyncContext): Map<string, number> {
  let map = streaks.get(ctx);
  if (!map) {
    map = new Map();
    streaks.set(ctx, map);
  }
  return map;
}

/**
 * One push run's view of the streaks.
 *
 * @example
 * const run = conflictRun(ctx, queued);
 * const held = run.hold(entry, now); // the rescheduled entry, or undefined to send it
 */
export function conflictRun(ctx: SyncContext, queued: ReadonlyArray<OutboxEntry>) {
  const map = of(ctx);
  // A record with nothing queued any more was settled one way or another.
  const live = new Set(queued.map(keyOf));
  for (const key of map.keys()) if (!live.has(key)) map.delete(key);
  const sent = new Set<string>();
  return {
    /** The entry rescheduled if it must wait (store it), else undefined (send it). */
    hold(entry: OutboxEntry, now: number): OutboxEntry | undefined {
      const key = keyOf(entry);
      const streak = map.get(key) ?? 0;
      const waits = streak >= CONFLICT_ROUNDS && sent.has(key);
      sent.add(key);
      if (!waits) return undefined;
      const tries = Math.max(entry.attempts, streak - CONFLICT_ROUNDS + 1);
      return rescheduleAfterFailure({ ...entry, attempts: tries }, now, ctx.backoff, ctx.random);
    },
    /** A push's answer for the entry. */
    answered(entry: OutboxEntry, conflict: boolean): void {
      const key = keyOf(entry);
      if (conflict) map.set(key, (map.get(key) ?? 0) + 1);
      else map.delete(key);
    },
  };
}
