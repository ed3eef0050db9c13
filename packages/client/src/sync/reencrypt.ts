/**
 * Background re-encryption after a key rotation: every record of the replica
 * still sealed under an older epoch is re-sealed under the newest one and
 * pushed on top of the revision it was read at. Progress (the last record id
 * done, in id order, for the epoch being reached) is kept in the local store,
 * so an interrupted run resumes where it stopped instead of starting over.
 */
import { encodeArmor, type Mutation } from '@coffer/protocol';
import { openRecordData, sealRecordData } from '../records/record-crypto.ts';
import { randomHexId } from '../util/env.ts';
import { readReencryptProgress, writeReencryptProgress } from '../vault/reencrypt-progress.ts';
import { storeAcknowledged } from './acknowledged.ts';
import type { SyncContext } from './context.ts';
import type { SyncEngine } from './engine.ts';

/** Options of {@link reencryptVault}. */
export interface ReencryptOptions {
  /** Stop after the current batch (progress is kept). */
  signal?: AbortSignal;
  /** Records per push (default 100). */
  batch?: number;
  /** Only these records (default: every record under an older epoch). */
  only?: ReadonlySet<string>;
  /** Called after each batch with records checked so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** What one run did. */
export interface ReencryptResult {
  /** The epoch every record is (now) sealed under, unless `complete` is false. */
  epoch: number;
  reencrypted: number;
  /** Changed on the server meanwhile (newer write wins; a later run sees it). */
  skipped: number;
  /** false: stopped early by the signal; run again to resume. */
  complete: boolean;
}

/**
 * Re-encrypt a vault's older-epoch records under its newest key.
 *
 * @example
 * await client.vaults.removeMember(vaultId, accountId);
 * void client.reencrypt(vaultId); // in the background; resumes after a restart
 */
export async function reencryptVault(
  ctx: SyncContext,
  engine: SyncEngine,
  vaultId: string,
  options: ReencryptOptions = {},
): Promise<ReencryptResult> {
  await engine.sync(vaultId);
  const ring = await ctx.keyring(vaultId, { refresh: true });
  const epoch = ring.current.epoch;
  const progress = await readReencryptProgress(ctx.store, vaultId);
  const after = progress?.epoch === epoch ? progress.after : '';
  // Pending until the last batch is done: a run that stops resumes here.
  await writeReencryptProgress(ctx.store, vaultId, { epoch, after, complete: false });
  const rows = (await ctx.store.listRecords(vaultId)).filter(
    (r) => r.envelope !== null && r.recordId > after && (options.only?.has(r.recordId) ?? true),
  );
  const result: ReencryptResult = { epoch, reencrypted: 0, skipped: 0, complete: false };
  const size = options.batch ?? 100;
  for (let i = 0; i < rows.length; i += size) {
    if (options.signal?.aborted) return result;
    const batch = rows.slice(i, i + size);
    // Per batch: writes made while the run goes on count too.
    const pending = new Set((await ctx.store.listOutbox({ vaultId })).map((e) => e.recordId));
    const mutations: Mutation[] = [];
    const sealed = new Map<string, Uint8Array>();
    for (const row of batch) {
      // A queued local write of the record replaces it anyway.
      if (pending.has(row.recordId)) continue;
      const opened = await openRecordData(ring, row.recordId, row.envelope!);
      if (opened.epoch >= epoch) continue;
      // Same content and timestamps: re-encryption is not an edit, so it never
      // wins a conflict against one. The re-sealing member signs it.
      const author = ctx.author();
      const data = author ? { ...opened.data, authorKid: author.signer.kid } : opened.data;
      const envelope = await sealRecordData(ring, row.recordId, data, author);
      const mutationId = randomHexId();
      sealed.set(mutationId, envelope);
      mutations.push({
        op: 'put',
        mutationId,
        recordId: row.recordId,
        baseRevision: row.revision,
        epoch,
        envelope: encodeArmor(envelope),
      });
    }
    if (mutations.length > 0) {
      const { results } = await ctx.transport.push(vaultId, { atomic: false, mutations });
      const byId = new Map(mutations.map((m) => [m.mutationId, m]));
      const applied = [];
      for (const r of results) {
        const m = byId.get(r.mutationId);
        if (m && r.status === 'applied') {
          applied.push({
            vaultId,
            recordId: m.recordId,
            revision: r.revision,
            seq: r.seq,
            envelope: sealed.get(m.mutationId)!,
          });
        } else result.skipped++;
      }
      // Not above what a sync running meanwhile stored (a newer edit pulled).
      await storeAcknowledged(ctx.store, vaultId, applied);
      result.reencrypted += applied.length;
    }
    const last = batch[batch.length - 1]!;
    await writeReencryptProgress(ctx.store, vaultId, {
      epoch,
      after: last.recordId,
      complete: false,
    });
    options.onProgress?.(i + batch.length, rows.length);
  }
  await writeReencryptProgress(ctx.store, vaultId, {
    epoch,
    after: rows.at(-1)?.recordId ?? after,
    complete: true,
  });
  result.complete = true;
  return result;
}
