/**
 * Outbox rules: which pending mutations go into the next push, how a failed
 * attempt is rescheduled, and how later writes to the same record are rebased
 * once an earlier one is applied. Pure functions over {@link OutboxEntry}.
 */
import type { OutboxEntry } from '../store/types.ts';
import type { RandomSource } from '../util/env.ts';
import { type BackoffPolicy, backoffDelay } from './backoff.ts';

/**
 * The next batch: due entries in enqueue order, at most one per record (a
 * later write to the same record waits for the earlier one's outcome, because
 * its base revision is that outcome), at most `max` entries.
 *
 * @example
 * const batch = selectPushBatch(await store.listOutbox({ vaultId }), clock.now(), 100);
 */
export function selectPushBatch(
  entries: ReadonlyArray<OutboxEntry>,
  now: number,
  max: number,
): OutboxEntry[] {
  const blocked = new Set<string>();
  const batch: OutboxEntry[] = [];
  for (const entry of [...entries].sort((a, b) => a.order - b.order)) {
    if (batch.length >= max) break;
    const key = `${entry.vaultId}/${entry.recordId}`;
    if (blocked.has(key)) continue;
    blocked.add(key);
    if (entry.nextAttemptAt <= now) batch.push(entry);
  }
  return batch;
}

/** When the earliest not-yet-due entry becomes due, or undefined if none waits. */
export function nextDueAt(entries: ReadonlyArray<OutboxEntry>, now: number): number | undefined {
  let next: number | undefined;
  for (const e of entries) {
    if (e.nextAttemptAt > now && (next === undefined || e.nextAttemptAt < next)) {
      next = e.nextAttemptAt;
    }
  }
  return next;
}

/** The entry after a failed attempt (network, 5xx, 429): one more attempt, later. */
export function rescheduleAfterFailure(
  entry: OutboxEntry,
  now: number,
  policy: BackoffPolicy,
  random: RandomSource,
  retryAfterMs?: number,
): OutboxEntry {
  const attempts = entry.attempts + 1;
  const delay = Math.max(backoffDelay(attempts, policy, random), retryAfterMs ?? 0);
  return { ...entry, attempts, nextAttemptAt: now + delay };
}

/**
 * The entry after an attempt that certainly never reached the server: still
 * never sent (attempts 0), so a later write may still replace it and a late
 * create may still be sealed again (late-create.ts). Its backoff grows with
 * its age instead of its attempts: about one retry per doubling of its age.
 */
export function rescheduleUnsent(
  entry: OutboxEntry,
  now: number,
  policy: BackoffPolicy,
  random: RandomSource,
): OutboxEntry {
  const age = Math.max(0, now - entry.createdAt);
  const equivalentAttempts = 1 + Math.floor(Math.log2(1 + age / policy.baseMs));
  const delay = backoffDelay(equivalentAttempts, policy, random);
  return { ...entry, attempts: 0, nextAttemptAt: now + delay };
}

/**
 * Entries still queued for the same record after one was applied at
 * `revision`: they were written on top of it, so that is their new base.
 */
export function rebaseFollowers(
  entries: ReadonlyArray<OutboxEntry>,
  applied: Pick<OutboxEntry, 'vaultId' | 'recordId' | 'mutationId'>,
  revision: number,
): OutboxEntry[] {
  return entries
    .filter(
      (e) =>
        e.vaultId === applied.vaultId &&
        e.recordId === applied.recordId &&
        e.mutationId !== applied.mutationId,
    )
    .map((e) => ({ ...e, baseRevision: revision }));
}

/**
 * Whether a new local write may replace a queued one instead of appending:
 * only the LAST queued write of the record, and only if it was never sent
 * (a sent mutation may already be applied, so it must stay as it is).
 */
export function coalesceTarget(
  entries: ReadonlyArray<OutboxEntry>,
  vaultId: string,
  recordId: string,
): OutboxEntry | undefined {
  let last: OutboxEntry | undefined;
  for (const e of entries) {
    if (e.vaultId === vaultId && e.recordId === recordId && (!last || e.order > last.order)) {
      last = e;
    }
  }
  return last && last.attempts === 0 ? last : undefined;
}
