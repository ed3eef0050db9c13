/**
 * Conflict copies: the losing versions of resolved conflicts, kept on this
 * device until the application (or the user) looks at them.
 */
import { recordFreshness, toHex } from '@coffer/protocol';
import type { SyncContext } from '../sync/context.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { parseContent } from '../sync/push-conflict.ts';
import { editableFields } from '../sync/replica-freshness.ts';
import { openRecordData, sealRecordData } from './record-crypto.ts';

/** A conflict copy, decrypted. */
export interface ConflictEntry<T = unknown> {
  conflictId: string;
  vaultId: string;
  recordId: string;
  /** The name, when the losing version was readable and not a deletion. */
  name: string | undefined;
  /** `undefined` when the losing version was a deletion. */
  value: T | undefined;
  /**
   * The losing version's own type (e.g. a secret's, so an app masks it as it
   * would the record) and edit times; `undefined` for a deletion.
   */
  type: string | undefined;
  createdAt: number | undefined;
  updatedAt: number | undefined;
  /** The blob the losing version referenced (a file), readable with `client.blobs.get`. */
  blob?: { blobId: string; size: number };
  deleted: boolean;
  reason: 'local_lost' | 'remote_lost';
  detectedAt: number;
}

export class ConflictsApi {
  readonly #ctx: SyncContext;
  readonly #engine: SyncEngine;

  constructor(ctx: SyncContext, engine: SyncEngine) {
    this.#ctx = ctx;
    this.#engine = engine;
  }

  /** Conflict copies, oldest first, optionally of one vault. */
  async list<T = unknown>(vaultId?: string): Promise<ConflictEntry<T>[]> {
    const out: ConflictEntry<T>[] = [];
    for (const c of await this.#ctx.store.listConflicts(vaultId)) {
      let data: Awaited<ReturnType<typeof openRecordData>>['data'] | undefined;
      if (c.envelope) {
        try {
          data = (await openRecordData(await this.#ctx.keyring(c.vaultId), c.recordId, c.envelope))
            .data;
        } catch {
          this.#ctx.report('envelope_rejected', 'a conflict copy does not open', c);
          continue;
        }
      }
      out.push({
        conflictId: c.conflictId,
        vaultId: c.vaultId,
        recordId: c.recordId,
        name: data?.name,
        value: data ? (parseContent(data) as T) : undefined,
        type: data?.type,
        createdAt: data?.createdAt,
        updatedAt: data?.updatedAt,
        ...(data?.blob ? { blob: { blobId: toHex(data.blob.blobId), size: data.blob.size } } : {}),
        deleted: c.envelope === null,
        reason: c.reason,
        detectedAt: c.detectedAt,
      });
    }
    return out;
  }

  /**
   * Resolve a conflict: `discard` the copy, or `restore` it (write it back as
   * the record's newest version; the current version is not kept).
   */
  async resolve(conflictId: string, action: 'discard' | 'restore'): Promise<void> {
    const copy = (await this.#ctx.store.listConflicts()).find((c) => c.conflictId === conflictId);
    if (!copy) return;
    if (action === 'restore') {
      const ring = await this.#ctx.keyring(copy.vaultId);
      if (copy.envelope === null) {
        await this.#engine.write(copy.vaultId, copy.recordId, null, ring.current.epoch);
      } else {
        const opened = await openRecordData(ring, copy.recordId, copy.envelope);
        // Later than the copy AND the version it replaces (the winner of the
        // conflict may be newer): other devices refuse a newer revision that
        // carries an older edit time.
        const view = await this.#engine.localView(copy.vaultId, copy.recordId);
        const current = view?.envelope
          ? (await openRecordData(ring, copy.recordId, view.envelope).catch(() => undefined))?.data
          : undefined;
        const data = {
          ...editableFields(opened.data),
          updatedAt: Math.max(
            this.#ctx.clock.now(),
            recordFreshness(opened.data) + 1,
            (current ? recordFreshness(current) : 0) + 1,
          ),
        };
        const envelope = await sealRecordData(ring, copy.recordId, data, this.#ctx.author());
        await this.#engine.write(copy.vaultId, copy.recordId, envelope, ring.current.epoch);
      }
    }
    await this.#ctx.store.deleteConflict(conflictId);
    await this.#ctx.refreshCounts();
  }
}
