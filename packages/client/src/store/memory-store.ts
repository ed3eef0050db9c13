import type {
  ConflictCopy,
  LocalStore,
  OutboxEntry,
  PinnedServer,
  PinnedUserKey,
  RecordRevision,
  SealedVaultKey,
  StoredRecord,
} from './types.ts';

// Values are copied in and out so callers can never alias stored state,
// exactly like the persistent stores behave (byte arrays exactly sized).
const clone = <T extends object>(value: T): T => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = v instanceof Uint8Array ? new Uint8Array(v) : v;
  return out as T;
};
const key2 = (a: string, b: string | number): string => `${a}\u0000${b}`;

/**
 * A {@link LocalStore} in memory: for tests, short-lived CLI commands and
 * apps that do not want persistence. Lost when the process exits.
 *
 * @example
 * const client = createClient({ serverUrl, store: new MemoryStore(), clientName: 'app', clientVersion: '1.0.0' });
 */
export class MemoryStore implements LocalStore {
  readonly #records = new Map<string, StoredRecord>();
  readonly #outbox = new Map<string, OutboxEntry>();
  readonly #cursors = new Map<string, number>();
  readonly #conflicts = new Map<string, ConflictCopy>();
  readonly #servers = new Map<string, PinnedServer>();
  readonly #users = new Map<string, PinnedUserKey>();
  readonly #vaultKeys = new Map<string, SealedVaultKey>();
  readonly #meta = new Map<string, string>();
  #order = 0;

  async getRecord(vaultId: string, recordId: string): Promise<StoredRecord | undefined> {
    const row = this.#records.get(key2(vaultId, recordId));
    return row && clone(row);
  }

  async getRecords(
    vaultId: string,
    recordIds: ReadonlyArray<string>,
  ): Promise<Map<string, StoredRecord>> {
    const out = new Map<string, StoredRecord>();
    for (const id of recordIds) {
      const row = this.#records.get(key2(vaultId, id));
      if (row) out.set(id, clone(row));
    }
    return out;
  }

  async listRecords(vaultId: string): Promise<StoredRecord[]> {
    return [...this.#records.values()]
      .filter((r) => r.vaultId === vaultId)
      .sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0))
      .map(clone);
  }

  async listRecordIds(vaultId: string): Promise<string[]> {
    return [...this.#records.values()].filter((r) => r.vaultId === vaultId).map((r) => r.recordId);
  }

  async putRecords(rows: ReadonlyArray<StoredRecord>): Promise<void> {
    for (const row of rows) this.#records.set(key2(row.vaultId, row.recordId), clone(row));
  }

  async applyPull(
    vaultId: string,
    rows: ReadonlyArray<StoredRecord>,
    cursor: number,
  ): Promise<void> {
    await this.putRecords(rows);
    this.#cursors.set(vaultId, cursor);
  }

  async deleteRecords(vaultId: string, recordIds: ReadonlyArray<string>): Promise<void> {
    for (const id of recordIds) this.#records.delete(key2(vaultId, id));
  }

  async enqueue(entry: Omit<OutboxEntry, 'order'>): Promise<OutboxEntry> {
    if (this.#outbox.has(entry.mutationId)) throw new Error('duplicate mutationId in outbox');
    const stored: OutboxEntry = { ...clone(entry), order: ++this.#order };
    this.#outbox.set(entry.mutationId, stored);
    return clone(stored);
  }

  async listOutbox(options: { vaultId?: string; limit?: number } = {}): Promise<OutboxEntry[]> {
    const rows = [...this.#outbox.values()]
      .filter((e) => options.vaultId === undefined || e.vaultId === options.vaultId)
      .sort((a, b) => a.order - b.order);
    return rows.slice(0, options.limit ?? rows.length).map(clone);
  }

  async updateOutbox(entry: OutboxEntry): Promise<void> {
    const existing = this.#outbox.get(entry.mutationId);
    if (!existing) return;
    this.#outbox.set(entry.mutationId, { ...clone(entry), order: existing.order });
  }

  async removeOutbox(mutationIds: ReadonlyArray<string>): Promise<void> {
    for (const id of mutationIds) this.#outbox.delete(id);
  }

  async countOutbox(): Promise<number> {
    return this.#outbox.size;
  }

  async getCursor(vaultId: string): Promise<number> {
    return this.#cursors.get(vaultId) ?? 0;
  }

  async setCursor(vaultId: string, cursor: number): Promise<void> {
    this.#cursors.set(vaultId, cursor);
  }

  async putConflict(copy: ConflictCopy): Promise<void> {
    this.#conflicts.set(copy.conflictId, clone(copy));
  }

  async listConflicts(vaultId?: string): Promise<ConflictCopy[]> {
    return [...this.#conflicts.values()]
      .filter((c) => vaultId === undefined || c.vaultId === vaultId)
      .sort((a, b) => a.detectedAt - b.detectedAt || (a.conflictId < b.conflictId ? -1 : 1))
      .map(clone);
  }

  async deleteConflict(conflictId: string): Promise<void> {
    this.#conflicts.delete(conflictId);
  }

  async getPinnedServer(origin: string): Promise<PinnedServer | undefined> {
    const pin = this.#servers.get(origin);
    return pin && clone(pin);
  }

  async putPinnedServer(pin: PinnedServer): Promise<void> {
    this.#servers.set(pin.origin, clone(pin));
  }

  async getPinnedUser(username: string): Promise<PinnedUserKey | undefined> {
    const pin = this.#users.get(username);
    return pin && clone(pin);
  }

  async putPinnedUser(pin: PinnedUserKey): Promise<void> {
    this.#users.set(pin.username, clone(pin));
  }

  async putSealedVaultKey(key: SealedVaultKey): Promise<void> {
    this.#vaultKeys.set(key2(key.vaultId, key.epoch), clone(key));
  }

  async listSealedVaultKeys(vaultId: string): Promise<SealedVaultKey[]> {
    return [...this.#vaultKeys.values()]
      .filter((k) => k.vaultId === vaultId)
      .sort((a, b) => a.epoch - b.epoch)
      .map(clone);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.#meta.get(key);
  }

  async setMeta(key: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.#meta.delete(key);
    else this.#meta.set(key, value);
  }

  async listMetaKeys(prefix: string): Promise<string[]> {
    return [...this.#meta.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async close(): Promise<void> {}

  async listRecordRevisions(vaultId: string): Promise<RecordRevision[]> {
    const out: RecordRevision[] = [];
    for (const r of this.#records.values()) {
      if (r.vaultId === vaultId) out.push({ recordId: r.recordId, revision: r.revision });
    }
    return out.sort(byRecordId);
  }
}

function byRecordId(a: RecordRevision, b: RecordRevision): number {
  return a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0;
}
