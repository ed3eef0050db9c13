/**
 * A create that waited in the outbox (offline) is sealed again, with
 * `sealedAt` = now, right before its first send. Why: while it waited,
 * another device may have created the same name, and deleted it, and the
 * server purged that deletion. The server then takes this create as a new
 * life of the record, and a device still holding the other life's version
 * (newer `updatedAt`) would refuse it as a replayed older envelope for good,
 * and show the deleted version while every other device shows this one.
 * `sealedAt` proves freshness without moving the edit time, so conflicts
 * still order by when the user wrote it (SPEC.md 10.1).
 */
import { constantTimeEqual, recordFreshness } from '@coffer/protocol';
import { openRecordData, sealRecordData } from '../records/record-crypto.ts';
import { checkRecordSize } from '../records/record-limits.ts';
import type { OutboxEntry } from '../store/types.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import type { SyncContext } from './context.ts';

/**
 * Servers keep a deletion at least a day before purging it, so a create can
 * only meet a purged life after waiting that long. Ten minutes is far below
 * it, and far above the seconds a create queued online waits: those are sent
 * as sealed, at no extra cost.
 */
export const LATE_CREATE_MS = 10 * 60_000;

/** authorKid of a write sealed without an account (records-api writes zeros). */
const NO_AUTHOR = new Uint8Array(16);

/**
 * The entry to send: `entry` itself, or, for a create whose freshness is
 * older than {@link LATE_CREATE_MS}, the same record sealed again with
 * `sealedAt` = now under the newest epoch, under the same mutation id. Only
 * for an entry never sent (attempts 0; an attempt that certainly did not
 * reach the server leaves it so, see `rescheduleUnsent`): a mutation id that
 * may be applied already must be retried with the very envelope it carried.
 *
 * @example
 * const sent = await resealLateCreate(ctx, entry, ctx.clock.now());
 */
export async function resealLateCreate(
  ctx: SyncContext,
  entry: OutboxEntry,
  now: number,
): Promise<OutboxEntry> {
  if (entry.attempts !== 0 || entry.envelope === null || entry.baseRevision !== null) return entry;
  // Queued recently (the usual case): sent as it is, without opening it.
  if (now - entry.createdAt < LATE_CREATE_MS) return entry;
  let ring: VaultKeyring;
  try {
    ring = await ctx.keyring(entry.vaultId);
  } catch {
    return entry; // no keys now (access lost, offline): the push says why
  }
  const data = await openRecordData(ring, entry.recordId, entry.envelope).then(
    (opened) => opened.data,
    () => undefined,
  );
  if (!data || now - recordFreshness(data) < LATE_CREATE_MS) return entry;
  const author = ctx.author();
  // Only its author can seal it again: readers check that the signer is the
  // author (no author here: an unsigned keyring, whose writes name no one).
  if (!constantTimeEqual(author?.signer.kid ?? NO_AUTHOR, data.authorKid)) return entry;
  const envelope = await sealRecordData(ring, entry.recordId, { ...data, sealedAt: now }, author);
  try {
    checkRecordSize(envelope);
  } catch {
    return entry; // 13 bytes more crossed the wire limit: send it as it was.
  }
  return { ...entry, envelope, epoch: ring.current.epoch };
}
