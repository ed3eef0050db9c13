// Re-encryption pushes outside the sync chain, so a sync can store a newer
// version of a record between its push and its store write. Stored anyway,
// the re-encrypted (older) version rolled the replica back, and the cursor,
// already past the newer change, never brought it again.
import { generateVaultKey, toHex } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory-store.ts';
import { reencryptVault } from '../src/sync/reencrypt.ts';
import { buildKeyring } from '../src/vault/keyring.ts';
import { FakeServer } from './fake-server.ts';
import { ManualClock, openClient } from './sync-harness.ts';

describe('re-encryption racing a sync', () => {
  it('does not store its re-sealed version over a newer one pulled meanwhile', async () => {
    const server = new FakeServer();
    const vaultId = toHex(crypto.getRandomValues(new Uint8Array(16)));
    const key1 = await generateVaultKey(1);
    const shared = { ring: await buildKeyring(vaultId, [key1]), clock: new ManualClock() };
    const a = openClient(shared, new MemoryStore(), server.connect());
    const b = openClient(shared, new MemoryStore(), server.connect());
    await a.records.put(vaultId, 'doc', 'first');
    await a.engine.idle();
    await b.engine.sync(vaultId);
    // A rotation: epoch 2 is the newest key.
    shared.ring = await buildKeyring(vaultId, [key1, await generateVaultKey(2)]);
    const push = a.transport.push.bind(a.transport);
    let raced = false;
    a.transport.push = async (v, body) => {
      const answer = await push(v, body);
      if (!raced) {
        raced = true; // meanwhile: b edits, a's live sync pulls the edit
        shared.clock.advance(1_000);
        await b.records.put(vaultId, 'doc', 'newer from b');
        await b.engine.idle();
        await a.engine.sync(vaultId);
        expect((await a.records.get(vaultId, 'doc'))?.value).toBe('newer from b');
      }
      return answer;
    };
    const result = await reencryptVault(a.ctx, a.engine, vaultId);
    expect(result).toMatchObject({ reencrypted: 1, complete: true });
    await a.engine.sync(vaultId);
    expect((await a.records.get(vaultId, 'doc'))?.value).toBe('newer from b');
    expect(
      (await a.store.getRecord(vaultId, (await a.records.get(vaultId, 'doc'))!.recordId))?.revision,
    ).toBe(3);
    expect(a.errors).toEqual([]);
    a.engine.close();
    b.engine.close();
  });
});
