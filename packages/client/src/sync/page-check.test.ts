import { type Change, encodeArmor, generateVaultKey, toHex } from '@coffer/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { recordIdForName, sealRecordData } from '../records/record-crypto.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { buildKeyring, type VaultKeyring } from '../vault/keyring.ts';
import type { SyncContext } from './context.ts';
import { checkPage, PendingRows } from './page-check.ts';

let ring: VaultKeyring;
let store: MemoryStore;
let errors: Array<{ code: string; recordId?: string }>;
let ctx: SyncContext;
const vaultId = toHex(new Uint8Array(16).fill(7));

beforeEach(async () => {
  ring = await buildKeyring(vaultId, [await generateVaultKey(1)]);
  store = new MemoryStore();
  errors = [];
  ctx = {
    store,
    keyring: async () => ring,
    clock: { now: () => 5_000 },
    report: (code: string, _message: string, where: { recordId?: string } = {}) =>
      errors.push({ code, ...(where.recordId ? { recordId: where.recordId } : {}) }),
  } as unknown as SyncContext;
});

/** A genuine envelope of `name` edited at `updatedAt`. */
async function version(name: string, updatedAt: number) {
  const recordId = await recordIdForName(ring, name);
  const envelope = await sealRecordData(
    ring,
    recordId,
    {
      name,
      type: 'text/plain',
      content: new TextEncoder().encode(`${name}@${updatedAt}`),
      createdAt: 1,
      updatedAt,
      authorKid: new Uint8Array(16),
    },
    undefined,
  );
  return { recordId, envelope };
}

const change = (
  v: { recordId: string; envelope: Uint8Array },
  seq: number,
  revision: number,
): Change => ({
  seq,
  recordId: v.recordId,
  revision,
  epoch: 1,
  envelope: encodeArmor(v.envelope),
  deleted: false,
  authorId: 'a'.repeat(32),
});

describe('checkPage', () => {
  it('stores a new record once per page, newest change last', async () => {
    const v1 = await version('doc', 100);
    const v2 = await version('doc', 200);
    const pending = new PendingRows();
    await checkPage(ctx, vaultId, 0, [change(v1, 1, 1), change(v2, 2, 2)], pending);
    expect(errors).toEqual([]);
    expect(pending.rows()).toMatchObject([{ recordId: v1.recordId, revision: 2, seq: 2 }]);
    expect(pending.rows()[0]?.envelope).toEqual(v2.envelope);
    expect(pending.bytes).toBe(v2.envelope.length);
  });

  it('refuses an older edit replayed at a higher revision against the replica', async () => {
    const v1 = await version('doc', 100);
    const v2 = await version('doc', 200);
    await store.putRecords([
      { vaultId, recordId: v1.recordId, revision: 2, seq: 2, envelope: v2.envelope },
    ]);
    const pending = new PendingRows();
    await checkPage(ctx, vaultId, 2, [change(v1, 3, 3)], pending);
    expect(errors).toEqual([{ code: 'revision_rollback', recordId: v1.recordId }]);
    expect(pending.size).toBe(0);
  });

  it('refuses a replay that follows the genuine version in the same page or a later page', async () => {
    const v1 = await version('doc', 100);
    const v2 = await version('doc', 200);
    const other = await version('other', 150);
    const pending = new PendingRows();
    await checkPage(ctx, vaultId, 0, [change(v2, 1, 2), change(v1, 2, 3)], pending);
    expect(errors).toEqual([{ code: 'revision_rollback', recordId: v1.recordId }]);
    // Nothing is stored yet: the next page is checked against the pending row.
    await checkPage(ctx, vaultId, 2, [change(other, 3, 1), change(v1, 4, 4)], pending);
    expect(errors.map((e) => e.code)).toEqual(['revision_rollback', 'revision_rollback']);
    const rows = new Map(pending.rows().map((r) => [r.recordId, r]));
    expect(rows.get(v1.recordId)).toMatchObject({ revision: 2, seq: 1, envelope: v2.envelope });
    expect(rows.get(other.recordId)?.revision).toBe(1);
  });

  it('refuses changes out of sequence order and envelopes of another record', async () => {
    const a = await version('a', 100);
    const b = await version('b', 100);
    const pending = new PendingRows();
    const swapped = { ...change(a, 6, 1), envelope: encodeArmor(b.envelope) };
    await checkPage(
      ctx,
      vaultId,
      4,
      [change(a, 4, 1), change(b, 7, 1), change(b, 7, 2), swapped],
      pending,
    );
    expect(errors).toEqual([
      { code: 'sequence_rollback', recordId: a.recordId },
      { code: 'sequence_rollback', recordId: b.recordId },
      { code: 'sequence_rollback', recordId: a.recordId },
    ]);
    expect(pending.rows().map((r) => r.recordId)).toEqual([b.recordId]);
    // A replayed sequence number withholds nothing: the record's change came earlier.
    expect(pending.refused.size).toBe(0);
    errors.length = 0;
    await checkPage(
      ctx,
      vaultId,
      7,
      [{ ...change(a, 8, 1), envelope: encodeArmor(b.envelope) }],
      pending,
    );
    expect(errors).toEqual([{ code: 'envelope_rejected', recordId: a.recordId }]);
    expect([...pending.refused.values()]).toEqual([
      { recordId: a.recordId, code: 'envelope_rejected', revision: 1, seq: 8, at: 5_000 },
    ]);
  });

  it('skips a row the replica holds byte for byte, and a tombstone needs no key', async () => {
    const v1 = await version('doc', 100);
    await store.putRecords([
      { vaultId, recordId: v1.recordId, revision: 1, seq: 1, envelope: v1.envelope },
    ]);
    const pending = new PendingRows();
    const tombstone: Change = { ...change(v1, 3, 2), envelope: null, deleted: true };
    await checkPage(ctx, vaultId, 1, [change(v1, 2, 1)], pending);
    expect(pending.size).toBe(0);
    await checkPage(ctx, vaultId, 2, [tombstone], pending);
    expect(errors).toEqual([]);
    expect(pending.rows()).toEqual([
      { vaultId, recordId: v1.recordId, revision: 2, seq: 3, envelope: null },
    ]);
  });
});
