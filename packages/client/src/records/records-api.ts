/**
 * Records by name: JSON values in a vault. Writes are sealed on this device
 * and queued (offline-first); reads decrypt the local view (a pending write
 * first, else the replica), so plaintext exists only in memory.
 */
import { fromHex, type RecordData, recordFreshness, toHex, utf8 } from '@coffer/protocol';
import type { SyncContext } from '../sync/context.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { parseContent } from '../sync/push-conflict.ts';
import { readWithheld, type WithheldRecord } from '../sync/withheld.ts';
import { openRecordData, recordIdForName, sealRecordData } from './record-crypto.ts';
import { checkRecordSize, recordJson } from './record-limits.ts';
import { listSummaries, type RecordSummary } from './record-summaries.ts';

/** A record as the application sees it. */
export interface RecordEntry<T = unknown> {
  name: string;
  recordId: string;
  type: string;
  value: T;
  createdAt: number;
  updatedAt: number;
  /** Written locally, not yet acknowledged by the server. */
  pending: boolean;
  /** The blob this record references (read it with `client.blobs.get`). */
  blob?: { blobId: string; size: number };
  /**
   * Set (by `get`) when the server's latest version of this record did not
   * verify: this is the last verified version, not the newest (see
   * {@link RecordsApi.withheld}).
   */
  withheld?: { code: string; at: number };
}

/** A withheld record (see {@link RecordsApi.withheld}). */
export interface WithheldEntry extends WithheldRecord {
  /** Its name, when the replica holds an earlier verified version. */
  name?: string;
}

/** Options of {@link RecordsApi.put}. */
export interface PutOptions {
  /** Application type label (default `application/json`). */
  type?: string;
  /** Reference an uploaded blob (`client.blobs.put` sets it). */
  blob?: { blobId: string; size: number };
}

interface SummarySlot {
  running?: Promise<RecordSummary[]> | undefined;
  queued?: Promise<RecordSummary[]> | undefined;
}

export class RecordsApi {
  readonly #ctx: SyncContext;
  readonly #engine: SyncEngine;
  /** One index update per vault at a time: concurrent callers share the running one. */
  readonly #summaries = new Map<string, SummarySlot>();

  constructor(ctx: SyncContext, engine: SyncEngine) {
    this.#ctx = ctx;
    this.#engine = engine;
  }

  async #decode(vaultId: string, recordId: string, envelope: Uint8Array | null) {
    if (envelope === null) return undefined;
    const ring = await this.#ctx.keyring(vaultId);
    return (await openRecordData(ring, recordId, envelope)).data;
  }

  /**
   * Write a JSON value under `name` (creates or replaces). Throws
   * `bad_argument` for a value JSON cannot carry (`undefined`, a BigInt, a
   * circular structure) and for a record larger than a server accepts (about
   * 256 KiB sealed: put large content in a blob), before anything is queued.
   *
   * @example
   * await client.records.put(vaultId, 'settings', { theme: 'dark' });
   */
  async put(vaultId: string, name: string, value: unknown, options: PutOptions = {}) {
    const json = recordJson(value);
    const ring = await this.#ctx.keyring(vaultId);
    const recordId = await recordIdForName(ring, name);
    const now = this.#ctx.clock.now();
    const view = await this.#engine.localView(vaultId, recordId);
    const previous = view
      ? await this.#decode(vaultId, recordId, view.envelope).catch(() => undefined)
      : undefined;
    const author = this.#ctx.author();
    const data: RecordData = {
      name,
      type: options.type ?? 'application/json',
      content: utf8(json),
      createdAt: previous?.createdAt ?? now,
      // Never move backwards: a later edit must win newest-edit-wins on this device.
      updatedAt: Math.max(now, (previous ? recordFreshness(previous) : 0) + 1),
      authorKid: author?.signer.kid ?? new Uint8Array(16),
      ...(options.blob
        ? { blob: { blobId: fromHex(options.blob.blobId), size: options.blob.size } }
        : {}),
    };
    const envelope = await sealRecordData(ring, recordId, data, author);
    checkRecordSize(envelope);
    await this.#engine.write(vaultId, recordId, envelope, ring.current.epoch);
    return recordId;
  }

  /**
   * The value under `name`, or undefined (never written, or deleted). When
   * the server's latest version of the record did not verify, the entry is
   * the last verified one and says so (`withheld`).
   */
  async get<T = unknown>(vaultId: string, name: string): Promise<RecordEntry<T> | undefined> {
    const ring = await this.#ctx.keyring(vaultId);
    const recordId = await recordIdForName(ring, name);
    const view = await this.#engine.localView(vaultId, recordId);
    if (!view) return undefined;
    const data = await this.#decode(vaultId, recordId, view.envelope);
    if (!data) return undefined;
    const entry = toEntry<T>(recordId, data, view.pending);
    const { records } = await readWithheld(this.#ctx.store, vaultId);
    const refusal = records.find((r) => r.recordId === recordId);
    return refusal ? { ...entry, withheld: { code: refusal.code, at: refusal.at } } : entry;
  }

  /** Delete the record under `name` (a tombstone replicates the deletion). */
  async delete(vaultId: string, name: string): Promise<void> {
    const ring = await this.#ctx.keyring(vaultId);
    const recordId = await recordIdForName(ring, name);
    if (!(await this.#engine.localView(vaultId, recordId))) return;
    await this.#engine.write(vaultId, recordId, null, ring.current.epoch);
  }

  /** Every live record of a vault, sorted by name. Unreadable rows are reported and skipped. */
  async list<T = unknown>(vaultId: string): Promise<RecordEntry<T>[]> {
    const out: RecordEntry<T>[] = [];
    for (const [recordId, view] of await this.#engine.localViews(vaultId)) {
      try {
        const data = await this.#decode(vaultId, recordId, view.envelope);
        if (data) out.push(toEntry<T>(recordId, data, view.pending));
      } catch {
        this.#ctx.report('envelope_rejected', 'a stored record does not open', {
          vaultId,
          recordId,
        });
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Records of a vault that the server sent a change of that did not verify
   * (see `sync/withheld.ts`): the replica keeps its last verified version,
   * whose name is given when it has one. Listed until a verified change of
   * the record arrives or the server stops listing it, so a person or a
   * script can see, long after the sync that refused it, what is missing.
   *
   * @example
   * const { records } = await client.records.withheld(vaultId);
   * for (const r of records) console.warn(r.name ?? r.recordId, r.code);
   */
  async withheld(vaultId: string): Promise<{ records: WithheldEntry[]; more: number }> {
    const { records, more } = await readWithheld(this.#ctx.store, vaultId);
    const held = await this.#ctx.store.getRecords(
      vaultId,
      records.map((r) => r.recordId),
    );
    const out: WithheldEntry[] = [];
    for (const r of records) {
      const envelope = held.get(r.recordId)?.envelope ?? null;
      // The held version was verified when it was stored; a row that no
      // longer opens (a damaged replica) is listed without a name.
      const data = await this.#decode(vaultId, r.recordId, envelope).catch(() => undefined);
      out.push(data ? { ...r, name: data.name } : r);
    }
    return { records: out, more };
  }

  /**
   * Every live record of a vault WITHOUT its value (name, type, content size,
   * times, blob reference, revision, pending), sorted by name: the cheap
   * listing for a UI. It is served from a local record index, sealed under a
   * key derived from the vault's newest epoch key and kept in the store's meta
   * table (the replica still holds ciphertext only). Each call reads the
   * replica's (recordId, revision) pairs without envelopes and opens only the
   * records whose revision changed since the index was sealed; pending local
   * writes are overlaid as in {@link RecordsApi.list}. A missing, stale (key
   * rotated) or tampered index is rebuilt from the envelopes (a tampered one
   * is also reported as `record_index_rejected`); unreadable rows are
   * reported as `envelope_rejected` and skipped.
   *
   * The index caches what this device already authenticated at a given
   * revision; the full envelope is still opened and verified by
   * {@link RecordsApi.get}.
   *
   * @example
   * const rows = await client.records.summaries(vaultId);
   * for (const r of rows) console.log(r.name, r.type, r.size);
   * const first = rows[0] && (await client.records.get(vaultId, rows[0].name));
   */
  summaries(vaultId: string): Promise<RecordSummary[]> {
    const slot = this.#summaries.get(vaultId) ?? {};
    this.#summaries.set(vaultId, slot);
    // Callers while a run is under way share ONE next run (it starts after, so it sees their writes).
    if (slot.queued) return slot.queued;
    if (slot.running) {
      slot.queued = slot.running
        .catch(() => {})
        .then(() => {
          slot.queued = undefined;
          return this.#runSummaries(vaultId, slot);
        });
      return slot.queued;
    }
    return this.#runSummaries(vaultId, slot);
  }

  #runSummaries(vaultId: string, slot: SummarySlot): Promise<RecordSummary[]> {
    const run = listSummaries(this.#ctx, vaultId);
    slot.running = run;
    const clear = () => {
      if (slot.running === run) slot.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }
}

function toEntry<T>(recordId: string, data: RecordData, pending: boolean): RecordEntry<T> {
  return {
    name: data.name,
    recordId,
    type: data.type,
    value: parseContent(data) as T,
    createdAt: data.createdAt,
    updatedAt: data.updatedAt,
    pending,
    ...(data.blob ? { blob: { blobId: toHex(data.blob.blobId), size: data.blob.size } } : {}),
  };
}
