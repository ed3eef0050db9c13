/**
 * A push came back as a conflict: the server holds another revision. Decide
 * with the decrypted versions (newest edit wins, or the app's merge), keep the
 * loser as a conflict copy, and never overwrite local data with something
 * that does not open under this record.
 */
import {
  decodeArmor,
  type MutationResult,
  type RecordData,
  recordFreshness,
  toHex,
  utf8,
} from '@coffer/protocol';
import { openRecordData, sealRecordData } from '../records/record-crypto.ts';
import type { OutboxEntry } from '../store/types.ts';
import { randomHexId } from '../util/env.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import { type ConflictVersion, resolveConflict } from './conflict.ts';
import type { SyncContext } from './context.ts';
import { checkIncomingEdit, checkIncomingRevision } from './distrust.ts';
import { checkRecordEnvelope } from './open-records.ts';
import { rebaseFollowers } from './outbox.ts';
import { openKeysOf } from './record-opener.ts';
import { editableFields, freshnessOf, replicaFreshness } from './replica-freshness.ts';

const decoder = new TextDecoder();

/** The server's current version of a record, as a conflict reports it. */
type RecordState = NonNullable<Extract<MutationResult, { status: 'conflict' }>['current']>;

/** JSON content of a record, or the raw text if it is not JSON. */
export function parseContent(data: RecordData): unknown {
  const text = decoder.decode(data.content);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function versionOf(
  ring: VaultKeyring,
  recordId: string,
  envelope: Uint8Array | null,
): Promise<{ version: ConflictVersion<unknown>; data: RecordData | undefined }> {
  if (envelope === null) {
    return {
      version: { deleted: true, value: undefined, updatedAt: 0, tiebreak: '' },
      data: undefined,
    };
  }
  const { data } = await openRecordData(ring, recordId, envelope);
  return {
    version: {
      deleted: false,
      value: parseContent(data),
      updatedAt: data.updatedAt,
      tiebreak: toHex(data.authorKid),
    },
    data,
  };
}

/**
 * Replace the record's queued writes (`chain`) by one write of `envelope` on
 * top of revision `base`. Later writes of the chain were never sent (each
 * waits for the one before it), so dropping them cannot lose an applied write.
 */
async function rewrite(
  ctx: SyncContext,
  chain: ReadonlyArray<OutboxEntry>,
  envelope: Uint8Array | null,
  epoch: number,
  base: number | null,
) {
  const first = chain[0]!;
  await ctx.store.removeOutbox(chain.map((e) => e.mutationId));
  await ctx.store.enqueue({
    ...first,
    mutationId: randomHexId(),
    envelope,
    epoch,
    baseRevision: base,
    attempts: 0,
    nextAttemptAt: 0,
  });
}

async function keepCopy(
  ctx: SyncContext,
  entry: OutboxEntry,
  envelope: Uint8Array | null,
  revision: number | null,
  reason: 'local_lost' | 'remote_lost',
) {
  await ctx.store.putConflict({
    conflictId: randomHexId(),
    vaultId: entry.vaultId,
    recordId: entry.recordId,
    envelope,
    revision,
    reason,
    detectedAt: ctx.clock.now(),
  });
}

/**
 * Resolve one conflicting write.
 *
 * @example
 * await handleConflict(ctx, entry, result.current, queued);
 */
export async function handleConflict(
  ctx: SyncContext,
  entry: OutboxEntry,
  current: RecordState | null,
  queued: ReadonlyArray<OutboxEntry>,
): Promise<void> {
  const where = { vaultId: entry.vaultId, recordId: entry.recordId };
  const ring = await ctx.keyring(entry.vaultId);
  // The conflict is between the server and this device's NEWEST version of
  // the record: later queued writes supersede the one that conflicted.
  const chain = [entry, ...rebaseFollowers(queued, entry, 0)];
  const newest = chain[chain.length - 1]!;
  const base = current?.revision ?? null;
  const remoteEnvelope = current?.envelope ? decodeArmor(current.envelope) : null;

  let remote: Awaited<ReturnType<typeof versionOf>>;
  try {
    const signed = remoteEnvelope
      ? await checkRecordEnvelope(openKeysOf(ring), entry.recordId, remoteEnvelope)
      : undefined;
    if (signed && !signed.ok && signed.reason === 'signer_untrusted') {
      ctx.report(
        'signer_untrusted',
        'the conflicting server version is not signed by a member',
        where,
      );
      await rewrite(ctx, chain, newest.envelope, newest.epoch, base);
      return;
    }
    remote = await versionOf(ring, entry.recordId, remoteEnvelope);
  } catch {
    // The server's version is not ours to believe: report it and keep pushing ours.
    ctx.report('envelope_rejected', 'the conflicting server version does not open', where);
    await rewrite(ctx, chain, newest.envelope, newest.epoch, base);
    return;
  }
  if (current) {
    const row = {
      ...where,
      revision: current.revision,
      seq: current.seq,
      envelope: remoteEnvelope,
    };
    const held = await ctx.store.getRecord(entry.vaultId, entry.recordId);
    let check = checkIncomingRevision(held, row);
    // Newer news than the row held, at a lower revision: the server purged
    // the record's deletion and it started over (a full resync would take it
    // too). Only the edit time can refuse it then (a replayed old envelope).
    if (!check.ok && held && current.seq > held.seq) check = { ok: true, unchanged: false };
    // A higher revision must not carry an older edit (a superseded envelope replayed).
    const edit =
      check.ok && !check.unchanged && remote.data
        ? checkIncomingEdit(await replicaFreshness(ring, held), recordFreshness(remote.data))
        : check;
    if (!check.ok) {
      ctx.report(check.code, 'conflict names a revision below one already seen', where);
    } else if (!edit.ok) {
      // A stale version is no conflict partner (nor worth a copy): keep pushing ours.
      ctx.report(edit.code, 'conflict carries an older version of the record again', where);
      await rewrite(ctx, chain, newest.envelope, newest.epoch, base);
      return;
    } else if (!check.unchanged) {
      await ctx.store.putRecords([row]);
    }
  }
  const local = await versionOf(ring, entry.recordId, newest.envelope);
  const name = local.data?.name ?? remote.data?.name ?? '';
  const resolution = await resolveConflict(
    local.version,
    remote.version,
    { vaultId: entry.vaultId, name },
    ctx.merge,
  );
  if (resolution.kind === 'keep-local') {
    if (resolution.keepCopyOf) await keepCopy(ctx, entry, remoteEnvelope, base, 'remote_lost');
    if (remote.version.deleted && local.data) {
      // Restoring an edit over a deletion is a new edit. Re-pushing the old
      // envelope as is would let a replica that saw a later version before the
      // deletion (the tombstone carries no time to compare with) refuse it as
      // a replay, since it carries an earlier edit time: replicas would diverge.
      const now = ctx.clock.now();
      const data: RecordData = {
        ...editableFields(local.data),
        updatedAt: Math.max(now, recordFreshness(local.data) + 1),
        authorKid: ctx.author()?.signer.kid ?? local.data.authorKid,
      };
      const envelope = await sealRecordData(ring, entry.recordId, data, ctx.author());
      await rewrite(ctx, chain, envelope, ring.current.epoch, base);
    } else if (
      local.data &&
      remote.data &&
      recordFreshness(local.data) <= freshnessOf(remote.data)
    ) {
      // The newer edit, but a less fresh envelope than the one it replaces
      // (that one was sealed again late, late-create.ts): replicas holding it
      // would refuse ours as a replay. Sealed again, fresher, same edit time.
      const data: RecordData = {
        ...local.data,
        sealedAt: Math.max(ctx.clock.now(), freshnessOf(remote.data) + 1),
        authorKid: ctx.author()?.signer.kid ?? local.data.authorKid,
      };
      const envelope = await sealRecordData(ring, entry.recordId, data, ctx.author());
      await rewrite(ctx, chain, envelope, ring.current.epoch, base);
    } else {
      await rewrite(ctx, chain, newest.envelope, newest.epoch, base);
    }
  } else if (resolution.kind === 'take-remote') {
    if (resolution.keepCopyOf) await keepCopy(ctx, entry, newest.envelope, null, 'local_lost');
    await ctx.store.removeOutbox(chain.map((e) => e.mutationId));
  } else if ('delete' in resolution.result) {
    await rewrite(ctx, chain, null, ring.current.epoch, base);
  } else {
    const now = ctx.clock.now();
    const template = local.data ?? remote.data;
    const data: RecordData = {
      name,
      type: template?.type ?? 'application/json',
      content: utf8(JSON.stringify(resolution.result.value)),
      createdAt: template?.createdAt ?? now,
      // Strictly later than both sides: readers refuse a revision that predates theirs.
      updatedAt: Math.max(now, freshnessOf(local.data) + 1, freshnessOf(remote.data) + 1),
      authorKid: ctx.author()?.signer.kid ?? template?.authorKid ?? new Uint8Array(16),
    };
    const envelope = await sealRecordData(ring, entry.recordId, data, ctx.author());
    await rewrite(ctx, chain, envelope, ring.current.epoch, base);
  }
}
