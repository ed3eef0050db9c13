// Background re-encryption after a rotation, against the real server: an
// interrupted run keeps its progress in the SQLite replica, and a new client
// on the same replica (a restart) resumes instead of starting over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecordData } from '../../src/records/record-crypto.ts';
import { device, signedUp } from './clients.ts';
import { startTestServer, type TestServer } from './server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

/** A vault of alice's with `count` records, shared with bob as `role`, synced. */
async function sharedVault(names: [string, string], count: number, role: 'reader' | 'writer') {
  const alice = await signedUp(server, names[0]);
  const bob = await signedUp(server, names[1]);
  const { vaultId } = await alice.client.vaults.create();
  const bobKeys = await alice.client.vaults.share(vaultId, bob.username, role);
  for (let i = 0; i < count; i++) await alice.client.records.put(vaultId, `r${i}`, i);
  await alice.client.sync(vaultId);
  return { alice, bob, vaultId, bobId: bobKeys.accountId };
}

describe('re-encryption of older epochs', () => {
  it('re-seals every record under the newest epoch, resumable after an interruption', async () => {
    const { alice, vaultId, bobId } = await sharedVault(['alice', 'bob'], 25, 'writer');
    expect(await alice.client.vaults.removeMember(vaultId, bobId)).toBe(2);

    // The first run stops after two batches of 5 (e.g. the app was closed).
    const stop = new AbortController();
    const first = await alice.client.reencrypt(vaultId, {
      batch: 5,
      signal: stop.signal,
      onProgress: (done) => done >= 10 && stop.abort(),
    });
    expect(first).toMatchObject({ epoch: 2, reencrypted: 10, complete: false });
    expect(await alice.store.getMeta(`reencrypt:${vaultId}`)).toContain('"epoch":2');
    await alice.client.close();

    // A restart: a new client on the same replica picks up where it stopped.
    const again = device(server, { file: alice.file });
    await again.client.accounts.login(alice.username, alice.passphrase);
    const second = await again.client.reencrypt(vaultId, { batch: 5 });
    expect(second).toEqual({ epoch: 2, reencrypted: 15, skipped: 0, complete: true });
    expect(await again.client.reencrypt(vaultId)).toMatchObject({ reencrypted: 0, complete: true });

    // Another member's fresh device sees every record under epoch 2 only.
    const other = device(server);
    await other.client.accounts.login(alice.username, alice.passphrase);
    await other.client.sync(vaultId);
    const ring = await other.client.vaults.keyring(vaultId);
    const rows = await other.store.listRecords(vaultId);
    expect(rows).toHaveLength(25);
    for (const row of rows) {
      const opened = await openRecordData(ring, row.recordId, row.envelope!);
      expect(opened.epoch).toBe(2);
    }
    expect((await other.client.records.list(vaultId)).map((r) => r.value)).toHaveLength(25);
    expect(other.errors).toEqual([]);
  });

  it('runs one re-encryption of a vault at a time: two at once re-seal each record once', async () => {
    const { alice, vaultId, bobId } = await sharedVault(['amy', 'bert'], 12, 'reader');
    await alice.client.vaults.removeMember(vaultId, bobId);
    // As the web app does: its own run, while a sync finishes the pending one.
    const [one, , two] = await Promise.all([
      alice.client.reencrypt(vaultId, { batch: 5 }),
      alice.client.sync(vaultId),
      alice.client.reencrypt(vaultId, { batch: 5 }),
    ]);
    // Run side by side, the second run's pushes would each be refused (skipped).
    expect({
      sealed: one.reencrypted + two.reencrypted,
      skipped: one.skipped + two.skipped,
    }).toEqual({ sealed: 12, skipped: 0 });
  });

  it("keeps a removed member's past writes readable: the remover's next sync re-seals them", async () => {
    const alice = await signedUp(server, 'ann');
    const bob = await signedUp(server, 'ben');
    const { vaultId } = await alice.client.vaults.create();
    const bobKeys = await alice.client.vaults.share(vaultId, bob.username, 'writer');
    await alice.client.records.put(vaultId, 'by-alice', 'a');
    await alice.client.sync(vaultId);
    await bob.client.sync(vaultId);
    await bob.client.records.put(vaultId, 'by-bob', 'written while a member');
    await bob.client.sync(vaultId);
    await alice.client.sync(vaultId);
    // The app removes bob and never calls reencrypt (as the CLI did).
    await alice.client.vaults.removeMember(vaultId, bobKeys.accountId);

    // Meanwhile a new device of alice's refuses bob's record: signed by a
    // non-member under an epoch bob still holds the key of.
    const other = device(server);
    await other.client.accounts.login(alice.username, alice.passphrase);
    await other.client.sync(vaultId);
    expect((await other.client.records.list(vaultId)).map((r) => r.name)).toEqual(['by-alice']);
    expect(other.errors.map((e) => e.code)).toContain('signer_untrusted');

    // alice's own next sync finishes the pending re-encryption...
    await alice.client.sync(vaultId);
    expect(JSON.parse((await alice.store.getMeta(`reencrypt:${vaultId}`))!)).toMatchObject({
      epoch: 2,
      complete: true,
    });
    // ...and every device reads bob's past write again, now under epoch 2.
    await other.client.sync(vaultId);
    const byName = new Map((await other.client.records.list(vaultId)).map((r) => [r.name, r]));
    expect(byName.get('by-bob')?.value).toBe('written while a member');
    const ring = await other.client.vaults.keyring(vaultId);
    for (const row of await other.store.listRecords(vaultId)) {
      expect((await openRecordData(ring, row.recordId, row.envelope!)).epoch).toBe(2);
    }
  });
  it('a pending re-encryption that this account may no longer do is reported, and the sync still succeeds', async () => {
    const alice = await signedUp(server, 'owner7');
    const carol = await signedUp(server, 'admin7');
    const bob = await signedUp(server, 'writer7');
    const { vaultId } = await alice.client.vaults.create();
    await alice.client.vaults.share(vaultId, carol.username, 'admin');
    const bobKeys = await alice.client.vaults.share(vaultId, bob.username, 'writer');
    await alice.client.records.put(vaultId, 'r', 1);
    await alice.client.sync(vaultId);
    await carol.client.sync(vaultId);
    const carolId = (await alice.client.vaults.members(vaultId)).find(
      (m) => m.username === carol.username,
    )!.accountId;
    // carol removes bob; before her device re-seals anything, alice makes her a reader.
    await carol.client.vaults.removeMember(vaultId, bobKeys.accountId);
    await alice.client.vaults.changeRole(vaultId, carolId, 'reader');
    await carol.client.sync(vaultId);
    expect(carol.errors.map((e) => e.code)).toContain('reencrypt_failed');
    // Still pending: tried again on a later sync (by then perhaps allowed again).
    expect(JSON.parse((await carol.store.getMeta(`reencrypt:${vaultId}`))!)).toMatchObject({
      complete: false,
    });
  });
});
