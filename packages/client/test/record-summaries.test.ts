import { generateVaultKey, toHex, utf8 } from '@coffer/protocol';
import { describe, expect, it, vi } from 'vitest';
import { recordIndexMetaKey, sealRecordIndex } from '../src/records/record-index.ts';
import { fromBase64Url, toBase64Url } from '../src/util/base64url.ts';
import { buildKeyring } from '../src/vault/keyring.ts';
import { setup, type TestClient } from './sync-harness.ts';

type Pair = [TestClient, TestClient];

/** The record ids the summaries call asked the store to read in full (envelopes). */
function countEnvelopeReads(client: TestClient) {
  const ids: string[] = [];
  const getRecords = client.store.getRecords.bind(client.store);
  vi.spyOn(client.store, 'getRecords').mockImplementation(async (vaultId, recordIds) => {
    ids.push(...recordIds);
    return getRecords(vaultId, recordIds);
  });
  const listRecords = vi.spyOn(client.store, 'listRecords');
  return { ids, listRecords };
}

const names = (rows: ReadonlyArray<{ name: string }>) => rows.map((r) => r.name);

async function seeded(count = 4) {
  const { vaultId, clients, server, ring, clock } = await setup(2);
  const [a, b] = clients as Pair;
  for (let i = 0; i < count; i++) await a.records.put(vaultId, `item-${i}`, { i });
  await a.records.put(vaultId, 'note', 'hello', { type: 'text/plain' });
  await a.engine.idle();
  await b.engine.sync(vaultId);
  return { vaultId, a, b, server, ring, clock };
}

describe('records.summaries (sealed record index)', () => {
  it('lists what list lists, without values, and seals an index with no plaintext in it', async () => {
    const { vaultId, b } = await seeded();
    const rows = await b.records.summaries(vaultId);
    const full = await b.records.list(vaultId);
    expect(names(rows)).toEqual(names(full));
    const note = rows.find((r) => r.name === 'note');
    expect(note).toMatchObject({
      type: 'text/plain',
      size: utf8('"hello"').length,
      pending: false,
    });
    expect(note?.revision).toBe(1);
    expect(note).not.toHaveProperty('value');
    expect(note?.updatedAt).toBe(full.find((e) => e.name === 'note')?.updatedAt);
    const sealed = await b.store.getMeta(recordIndexMetaKey(vaultId));
    expect(sealed).toBeDefined();
    const stored = new TextDecoder('latin1').decode(fromBase64Url(sealed ?? ''));
    for (const name of ['note', 'item-0', 'text/plain']) expect(stored).not.toContain(name);
  });

  it('reuses the index: a second listing opens no envelope', async () => {
    const { vaultId, b } = await seeded();
    const first = await b.records.summaries(vaultId);
    const reads = countEnvelopeReads(b);
    expect(await b.records.summaries(vaultId)).toEqual(first);
    expect(reads.ids).toEqual([]);
    expect(reads.listRecords).not.toHaveBeenCalled();
    expect(b.errors).toEqual([]);
  });

  it('opens only the records whose revision moved, and drops deleted and purged ones', async () => {
    const { vaultId, a, b } = await seeded();
    await b.records.summaries(vaultId);
    const changedId = await a.records.put(
      vaultId,
      'item-1',
      { i: 'changed' },
      { type: 'x/changed' },
    );
    const addedId = await a.records.put(vaultId, 'added', 1);
    const deletedId = (await a.records.summaries(vaultId)).find(
      (r) => r.name === 'item-2',
    )?.recordId;
    await a.records.delete(vaultId, 'item-2');
    await a.engine.idle();
    await b.engine.sync(vaultId);
    const reads = countEnvelopeReads(b);
    const rows = await b.records.summaries(vaultId);
    expect(reads.ids.sort()).toEqual([changedId, addedId, deletedId].sort());
    expect(names(rows)).toEqual(['added', 'item-0', 'item-1', 'item-3', 'note']);
    expect(rows.find((r) => r.name === 'item-1')).toMatchObject({ type: 'x/changed', revision: 2 });
    // A tombstone stays indexed (nothing to reopen next time); a purged row leaves the index.
    reads.ids.length = 0;
    await b.records.summaries(vaultId);
    expect(reads.ids).toEqual([]);
    const itemZero = rows.find((r) => r.name === 'item-0')?.recordId ?? '';
    await b.store.deleteRecords(vaultId, [itemZero]);
    expect(names(await b.records.summaries(vaultId))).not.toContain('item-0');
    expect(reads.ids).toEqual([]);
  });

  it('overlays pending local writes and deletions without indexing them', async () => {
    const { vaultId, b } = await seeded(2);
    await b.records.summaries(vaultId);
    b.transport.online = false;
    await b.records.put(vaultId, 'draft', 'offline', { type: 'text/plain' });
    await b.records.put(vaultId, 'note', 'edited offline', { type: 'text/markdown' });
    await b.records.delete(vaultId, 'item-0');
    await b.engine.idle();
    const rows = await b.records.summaries(vaultId);
    expect(names(rows)).toEqual(['draft', 'item-1', 'note']);
    expect(rows.find((r) => r.name === 'draft')).toMatchObject({ pending: true, revision: null });
    expect(rows.find((r) => r.name === 'note')).toMatchObject({
      pending: true,
      revision: 1,
      type: 'text/markdown',
    });
    expect(rows.find((r) => r.name === 'item-1')?.pending).toBe(false);
    expect(names(rows)).toEqual(names(await b.records.list(vaultId)));
  });

  it('a (re)build of a large vault reads it in one bulk call, not row by row', async () => {
    const { vaultId, b } = await seeded(300);
    const reads = countEnvelopeReads(b);
    const rows = await b.records.summaries(vaultId);
    expect(rows).toHaveLength(301);
    expect(reads.listRecords).toHaveBeenCalledTimes(1);
    expect(reads.ids).toEqual([]);
    expect(names(rows)).toEqual(names(await b.records.list(vaultId)));
  });

  it('a tampered index fails closed: reported, rebuilt from the envelopes, never shown', async () => {
    const { vaultId, b } = await seeded();
    const expected = await b.records.summaries(vaultId);
    const key = recordIndexMetaKey(vaultId);
    const bytes = fromBase64Url((await b.store.getMeta(key)) ?? '');
    const last = bytes.length - 1;
    bytes[last] = (bytes[last] ?? 0) ^ 1;
    await b.store.setMeta(key, toBase64Url(bytes));
    const reads = countEnvelopeReads(b);
    expect(await b.records.summaries(vaultId)).toEqual(expected);
    expect(reads.ids).toHaveLength(expected.length);
    expect(b.errors.map((e) => e.code)).toEqual(['record_index_rejected']);
    // The rebuilt index is authentic again: the next listing reuses it.
    reads.ids.length = 0;
    await b.records.summaries(vaultId);
    expect(reads.ids).toEqual([]);
    // Garbage is refused the same way.
    await b.store.setMeta(key, 'not an index');
    expect(await b.records.summaries(vaultId)).toEqual(expected);
    expect(b.errors.map((e) => e.code)).toEqual(['record_index_rejected', 'record_index_rejected']);
  });

  it('refuses an authentic index of another vault or sealed under another key', async () => {
    const { vaultId, b, ring } = await seeded();
    const expected = await b.records.summaries(vaultId);
    const lie = new Map([
      [expected[0]?.recordId ?? '', { revision: 1, record: { ...expected[0]!, name: 'forged' } }],
    ]);
    // Same key, other vault id: the AAD binds the vault.
    const otherVault = {
      ...ring,
      vaultId: toHex(new Uint8Array(16)),
      vaultIdBytes: new Uint8Array(16),
    };
    // Same vault, a key this device never held.
    const otherKey = await buildKeyring(vaultId, [await generateVaultKey(1)]);
    for (const forger of [otherVault, otherKey]) {
      await b.store.setMeta(recordIndexMetaKey(vaultId), await sealRecordIndex(forger, lie));
      const rows = await b.records.summaries(vaultId);
      expect(rows).toEqual(expected);
      expect(names(rows)).not.toContain('forged');
    }
    expect(b.errors.map((e) => e.code)).toEqual(['record_index_rejected', 'record_index_rejected']);
  });

  it('reports a replica row that does not open and keeps trying it', async () => {
    const { vaultId, b } = await seeded(2);
    await b.records.summaries(vaultId);
    const [row] = await b.store.listRecords(vaultId);
    if (!row?.envelope) throw new Error('seeded rows are live');
    await b.store.putRecords([
      { ...row, revision: row.revision + 1, envelope: row.envelope.slice(1) },
    ]);
    const rows = await b.records.summaries(vaultId);
    expect(rows.map((r) => r.recordId)).not.toContain(row.recordId);
    await b.records.summaries(vaultId);
    expect(b.errors.filter((e) => e.code === 'envelope_rejected')).toHaveLength(2);
  });

  it('concurrent callers share runs and all see the writes made before their call', async () => {
    const { vaultId, b } = await seeded(2);
    const first = b.records.summaries(vaultId);
    b.transport.online = false;
    await b.records.put(vaultId, 'late', 1);
    const [x, y, z] = await Promise.all([
      first,
      b.records.summaries(vaultId),
      b.records.summaries(vaultId),
    ]);
    expect(names(y ?? [])).toContain('late');
    expect(z).toEqual(y);
    expect(names(x ?? []).length).toBeGreaterThan(0);
  });
});
