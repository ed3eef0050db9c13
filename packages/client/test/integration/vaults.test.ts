// Vaults against the real server: create, list, share with pinned keys,
// roles, and removal with rotation to a new key epoch.
import { KeyNotFoundError } from '@coffer/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecordData } from '../../src/records/record-crypto.ts';
import { signedUp } from './clients.ts';
import { startTestServer, type TestServer } from './server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

/** keyEpoch of an envelope (header bytes 9..13, SPEC 3.1). */
const epochOf = (envelope: Uint8Array) =>
  new DataView(envelope.buffer, envelope.byteOffset + 9, 4).getUint32(0);

describe('vaults over HTTPS', () => {
  it('creates, lists and shares a vault; the member reads it on their own device', async () => {
    const alice = await signedUp(server, 'alice');
    const bob = await signedUp(server, 'bob');
    const vault = await alice.client.vaults.create();
    expect(vault.role).toBe('owner');
    await alice.client.records.put(vault.vaultId, 'greeting', 'hello bob');
    await alice.client.sync(vault.vaultId);
    const keys = await alice.client.vaults.share(vault.vaultId, bob.username, 'writer');
    expect(keys.fingerprint).toMatch(/^[0-9 ]+$/);
    // The pin is what alice compares out of band with what bob sees.
    expect((await alice.store.getPinnedUser(bob.username))?.fingerprint).toBe(keys.fingerprint);
    expect((await bob.client.vaults.list()).map((v) => [v.vaultId, v.role])).toEqual([
      [vault.vaultId, 'writer'],
    ]);
    await bob.client.sync(vault.vaultId);
    expect((await bob.client.records.get(vault.vaultId, 'greeting'))?.value).toBe('hello bob');
    await bob.client.records.put(vault.vaultId, 'reply', 'hi alice');
    await bob.client.sync(vault.vaultId);
    await alice.client.sync(vault.vaultId);
    expect((await alice.client.records.get(vault.vaultId, 'reply'))?.value).toBe('hi alice');
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it('a key that differs from the pin is a typed error unless the caller accepts it', async () => {
    const alice = await signedUp(server, 'alice');
    const carol = await signedUp(server, 'carol');
    const vault = await alice.client.vaults.create();
    const real = await alice.client.vaults.userKeys(carol.username);
    const pinned = await alice.store.getPinnedUser(carol.username);
    await alice.store.putPinnedUser({ ...pinned!, fingerprint: '1'.repeat(60) });
    await expect(
      alice.client.vaults.share(vault.vaultId, carol.username, 'reader'),
    ).rejects.toMatchObject({ code: 'user_key_changed' });
    expect(await carol.client.vaults.list()).toEqual([]);
    await alice.client.vaults.share(vault.vaultId, carol.username, 'reader', {
      acceptChangedKey: true,
    });
    expect((await alice.store.getPinnedUser(carol.username))?.fingerprint).toBe(real.fingerprint);
    expect((await carol.client.vaults.list()).map((v) => v.role)).toEqual(['reader']);
  });

  it('looks a user up without pinning when asked to (the app confirms the fingerprint first)', async () => {
    const alice = await signedUp(server, 'alice');
    const dora = await signedUp(server, 'dora');
    const looked = await alice.client.vaults.userKeys(dora.username, { pin: false });
    expect(await alice.store.getPinnedUser(dora.username)).toBeUndefined();
    const pinned = await alice.client.vaults.userKeys(dora.username);
    expect(pinned.fingerprint).toBe(looked.fingerprint);
    expect((await alice.store.getPinnedUser(dora.username))?.fingerprint).toBe(looked.fingerprint);
    // Only looking still refuses a key that differs from the pin.
    await alice.store.putPinnedUser({
      ...(await alice.store.getPinnedUser(dora.username))!,
      fingerprint: '2'.repeat(60),
    });
    await expect(alice.client.vaults.userKeys(dora.username, { pin: false })).rejects.toMatchObject(
      { code: 'user_key_changed' },
    );
  });

  it('roles: a reader cannot write (typed error, write kept), a writer again can', async () => {
    const alice = await signedUp(server, 'alice');
    const bob = await signedUp(server, 'bob');
    const vault = await alice.client.vaults.create();
    const bobKeys = await alice.client.vaults.share(vault.vaultId, bob.username, 'writer');
    await alice.client.vaults.changeRole(vault.vaultId, bobKeys.accountId, 'reader');
    await bob.client.records.put(vault.vaultId, 'draft', 'from a reader');
    await bob.client.sync(vault.vaultId);
    expect(bob.errors.map((e) => e.code)).toContain('forbidden');
    expect(bob.client.state.getSnapshot().pending).toBe(1);
    await alice.client.vaults.changeRole(vault.vaultId, bobKeys.accountId, 'writer');
    // The refused write waits for its backoff; push it now.
    const [entry] = await bob.store.listOutbox();
    await bob.store.updateOutbox({ ...entry!, nextAttemptAt: 0 });
    await bob.client.sync(vault.vaultId);
    expect(bob.client.state.getSnapshot().pending).toBe(0);
    await alice.client.sync(vault.vaultId);
    expect((await alice.client.records.get(vault.vaultId, 'draft'))?.value).toBe('from a reader');
  });

  it('removing a member rotates the key: the removed member cannot read new writes', async () => {
    const alice = await signedUp(server, 'alice');
    const bob = await signedUp(server, 'bob');
    const carol = await signedUp(server, 'carol');
    const vault = await alice.client.vaults.create();
    const bobKeys = await alice.client.vaults.share(vault.vaultId, bob.username, 'writer');
    await alice.client.vaults.share(vault.vaultId, carol.username, 'reader');
    await alice.client.records.put(vault.vaultId, 'before', 1);
    await alice.client.sync(vault.vaultId);
    await bob.client.sync(vault.vaultId);
    const bobRing = await bob.client.vaults.keyring(vault.vaultId);

    expect(await alice.client.vaults.removeMember(vault.vaultId, bobKeys.accountId)).toBe(2);
    await alice.client.records.put(vault.vaultId, 'after', 2);
    await alice.client.sync(vault.vaultId);
    const row = (await alice.store.listRecords(vault.vaultId)).find(
      (r) => r.envelope && epochOf(r.envelope) === 2,
    );
    expect(row).toBeDefined();
    // Even with the ciphertext in hand, bob holds no key of epoch 2.
    await expect(openRecordData(bobRing, row!.recordId, row!.envelope!)).rejects.toBeInstanceOf(
      KeyNotFoundError,
    );
    // And the server no longer serves him the vault.
    await bob.client.sync(vault.vaultId);
    expect(bob.errors.map((e) => e.code)).toContain('not_found');
    expect(await bob.client.records.get(vault.vaultId, 'after')).toBeUndefined();
    // The remaining member reads both epochs.
    await carol.client.sync(vault.vaultId);
    expect((await carol.client.records.get(vault.vaultId, 'before'))?.value).toBe(1);
    expect((await carol.client.records.get(vault.vaultId, 'after'))?.value).toBe(2);
    expect(carol.errors).toEqual([]);
  });
});
