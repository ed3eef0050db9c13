// records.summaries over the real IndexedDB store in Chromium (WebCrypto, key cursor, meta store).
import { generateVaultKey, toHex } from '@coffer/protocol';
import { describe, expect, it, vi } from 'vitest';
import { recordIndexMetaKey } from '../src/records/record-index.ts';
import { IndexedDbStore } from '../src/store/indexeddb-store.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import type { LocalStore } from '../src/store/types.ts';
import { createSyncCore } from '../src/sync/core.ts';
import type { Transport } from '../src/transport/transport.ts';
import { buildKeyring } from '../src/vault/keyring.ts';
import { FakeServer } from './fake-server.ts';

async function pair() {
  const server = new FakeServer();
  const vaultId = toHex(crypto.getRandomValues(new Uint8Array(16)));
  const ring = await buildKeyring(vaultId, [await generateVaultKey(1)]);
  const errors: string[] = [];
  const core = (store: LocalStore) =>
    createSyncCore({
      store,
      transport: server.connect() as unknown as Transport,
      keyring: async () => ring,
      clock: { now: () => Date.now() },
      random: () => 0.5,
      backoff: { baseMs: 10, maxMs: 100 },
      pullPage: 100,
      pushBatch: 100,
      onError: (e) => errors.push(e.code),
    });
  const store = await IndexedDbStore.open(`coffer-summaries-${vaultId}`);
  return { vaultId, writer: core(new MemoryStore()), reader: core(store), store, errors };
}

describe('records.summaries on IndexedDB (Chromium)', () => {
  it('builds, reuses, updates and rebuilds the sealed index; IndexedDB holds no names', async () => {
    const { vaultId, writer, reader, store, errors } = await pair();
    for (let i = 0; i < 40; i++) await writer.records.put(vaultId, `secret-name-${i}`, i);
    await writer.engine.idle();
    await reader.engine.sync(vaultId);

    const rows = await reader.records.summaries(vaultId);
    expect(rows).toHaveLength(40);
    expect(rows[0]).toMatchObject({ name: 'secret-name-0', type: 'application/json', size: 1 });
    const sealed = (await store.getMeta(recordIndexMetaKey(vaultId))) ?? '';
    expect(sealed.length).toBeGreaterThan(0);
    expect(sealed).not.toContain('secret');

    const getRecords = vi.spyOn(store, 'getRecords');
    expect(await reader.records.summaries(vaultId)).toEqual(rows);
    expect(getRecords).not.toHaveBeenCalled();

    await writer.records.put(vaultId, 'secret-name-7', 'changed', { type: 'text/plain' });
    await writer.records.delete(vaultId, 'secret-name-8');
    await writer.engine.idle();
    await reader.engine.sync(vaultId);
    getRecords.mockClear(); // the pull reads rows too; count the listing's reads only
    const updated = await reader.records.summaries(vaultId);
    expect(getRecords.mock.calls.flatMap(([, ids]) => ids)).toHaveLength(2);
    expect(updated.map((r) => r.name)).not.toContain('secret-name-8');
    expect(updated.find((r) => r.name === 'secret-name-7')?.type).toBe('text/plain');

    // One base64url character inside the ciphertext changed: six flipped bits.
    const at = sealed.length - 10;
    const forged = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
    await store.setMeta(recordIndexMetaKey(vaultId), forged);
    getRecords.mockClear();
    expect(await reader.records.summaries(vaultId)).toEqual(updated);
    expect(getRecords.mock.calls.flatMap(([, ids]) => ids)).toHaveLength(40);
    expect(errors).toEqual(['record_index_rejected']);
    await store.close();
  });
});
