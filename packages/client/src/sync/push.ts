/**
 * Push: send due outbox entries in batches; applied ones move into the
 * replica, conflicts are resolved (push-conflict.ts), failures wait with
 * exponential backoff and jitter. A retried batch reuses its mutation ids, so
 * the server never applies a write twice.
 */
import { encodeArmor, type Mutation, type MutationResult } from '@coffer/protocol';
import type { OutboxEntry } from '../store/types.ts';
import { isTransient, NetworkError } from '../transport/errors.ts';
import { storeAcknowledged } from './acknowledged.ts';
import { conflictRun } from './conflict-streaks.ts';
import type { SyncContext } from './context.ts';
import { resealLateCreate } from './late-create.ts';
import {
  nextDueAt,
  rebaseFollowers,
  rescheduleAfterFailure,
  rescheduleUnsent,
  selectPushBatch,
} from './outbox.ts';
import { withOutboxLock } from './outbox-lock.ts';
import { handleConflict } from './push-conflict.ts';

function toWire(entry: OutboxEntry): Mutation {
  const base = {
    mutationId: entry.mutationId,
    recordId: entry.recordId,
    baseRevision: entry.baseRevision,
  };
  return entry.envelope === null
    ? { ...base, op: 'delete' }
    : { ...base, op: 'put', epoch: entry.epoch, envelope: encodeArmor(entry.envelope) };
}

/** Outcome of {@link pushVault}: how many writes were acknowledged and when to try again. */
export interface PushOutcome {
  applied: number;
  /** Earliest time a waiting entry becomes due, if any waits. */
  retryAt: number | undefined;
}

async function onFailure(ctx: SyncContext, batch: ReadonlyArray<OutboxEntry>, error: unknown) {
  const now = ctx.clock.now();
  const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs;
  const unsent = error instanceof NetworkError && error.unsent;
  for (const entry of batch) {
    // Never sent before and not now either: it stays unsent (outbox.ts).
    await ctx.store.updateOutbox(
      unsent && entry.attempts === 0
        ? rescheduleUnsent(entry, now, ctx.backoff, ctx.random)
        : rescheduleAfterFailure(entry, now, ctx.backoff, ctx.random, retryAfter),
    );
  }
  if (error instanceof NetworkError) ctx.state.update({ connection: 'offline' });
  if (!isTransient(error)) {
    // Not retryable by waiting (e.g. forbidden): say so, but keep the writes.
    const code = (error as { code?: string }).code ?? 'push_failed';
    ctx.report(code, error instanceof Error ? error.message : 'push failed');
  }
}

async function onApplied(
  ctx: SyncContext,
  entry: OutboxEntry,
  result: Extract<MutationResult, { status: 'applied' }>,
  queued: ReadonlyArray<OutboxEntry>,
) {
  const row = {
    vaultId: entry.vaultId,
    recordId: entry.recordId,
    revision: result.revision,
    seq: result.seq,
    envelope: entry.envelope,
  };
  await storeAcknowledged(ctx.store, entry.vaultId, [row]);
  await ctx.store.removeOutbox([entry.mutationId]);
  for (const follower of rebaseFollowers(queued, entry, result.revision)) {
    await ctx.store.updateOutbox(follower);
  }
}

/**
 * Push every due write of a vault.
 *
 * @example
 * const { retryAt } = await pushVault(ctx, vaultId);
 */
export async function pushVault(ctx: SyncContext, vaultId: string): Promise<PushOutcome> {
  let applied = 0;
  const locked = <T>(fn: () => Promise<T>) => withOutboxLock(ctx.store, vaultId, fn);
  let run: ReturnType<typeof conflictRun> | undefined;
  for (;;) {
    const now = ctx.clock.now();
    const next = await locked(async () => {
      let queued = await ctx.store.listOutbox({ vaultId });
      run ??= conflictRun(ctx, queued);
      const batch: OutboxEntry[] = [];
      let held = false;
      // Mark the batch as sent BEFORE sending: a write made while the answer is
      // pending (or after a crash) must not coalesce into a mutation id the
      // server may already have applied with the old envelope. A late create
      // is sealed again here (late-create.ts), then sent and retried as such.
      for (const selected of selectPushBatch(queued, now, ctx.pushBatch)) {
        const waiting = run.hold(selected, now);
        if (waiting) {
          await ctx.store.updateOutbox(waiting);
          held = true;
          continue;
        }
        const entry = await resealLateCreate(ctx, selected, now);
        if (entry.attempts === 0) await ctx.store.updateOutbox({ ...entry, attempts: 1 });
        batch.push(entry);
      }
      if (held) queued = await ctx.store.listOutbox({ vaultId });
      return { batch, retryAt: nextDueAt(queued, now) };
    });
    const { batch } = next;
    if (batch.length === 0) return { applied, retryAt: next.retryAt };
    let results: MutationResult[];
    try {
      results = (await ctx.transport.push(vaultId, { atomic: false, mutations: batch.map(toWire) }))
        .results;
    } catch (error) {
      const queued = await locked(async () => {
        await onFailure(ctx, batch, error);
        return ctx.store.listOutbox({ vaultId });
      });
      await ctx.refreshCounts();
      return { applied, retryAt: nextDueAt(queued, now) };
    }
    ctx.state.update({ connection: 'online' });
    const answers = new Map(results.map((r) => [r.mutationId, r.status]));
    for (const entry of batch) run?.answered(entry, answers.get(entry.mutationId) === 'conflict');
    applied += await locked(() => onResults(ctx, vaultId, batch, results));
    await ctx.refreshCounts();
  }
}

/** Apply a push's answers to its batch; returns how many were applied. */
async function onResults(
  ctx: SyncContext,
  vaultId: string,
  batch: ReadonlyArray<OutboxEntry>,
  results: ReadonlyArray<MutationResult>,
): Promise<number> {
  let applied = 0;
  // Writes queued while the push was in flight are followers too.
  const current = await ctx.store.listOutbox({ vaultId });
  const byId = new Map(results.map((r) => [r.mutationId, r]));
  const queued = new Set(current.map((e) => e.mutationId));
  for (const entry of batch) {
    const result = byId.get(entry.mutationId);
    // Already settled by another push of the same store (a restarted client
    // whose predecessor's push was still in flight): handled once only.
    if (!queued.has(entry.mutationId)) continue;
    // A batch holds one entry per record, so `current` still lists each
    // entry's followers correctly while earlier entries are handled.
    if (result?.status === 'applied') {
      await onApplied(ctx, entry, result, current);
      applied++;
    } else if (result?.status === 'conflict') {
      await handleConflict(ctx, entry, result.current, current);
    } else {
      // Missing or aborted: nothing was written; try again later.
      await ctx.store.updateOutbox(
        rescheduleAfterFailure(entry, ctx.clock.now(), ctx.backoff, ctx.random),
      );
    }
  }
  return applied;
}
