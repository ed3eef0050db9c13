// Whom a device trusts when the server is malicious: key grants must be
// signed by an owner or admin of the vault whose keys this device pinned, and
// pulled records by a current member; the server's key directory and member
// list are only ever checked against those pins. Real keys, real envelopes,
// the real VaultsApi and sync core against the mock server.
import {
  createKeyBundle,
  encodeArmor,
  fromHex,
  generateVaultKey,
  type KeyBundle,
  kidForPublicKey,
  type RecordData,
  sealKeyGrant,
  type VaultKey,
} from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import type { AccountSession } from '../../src/account/accounts-api.ts';
import { recordIdForName, sealRecordData } from '../../src/records/record-crypto.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { createSyncCore } from '../../src/sync/core.ts';
import { buildKeyring } from '../../src/vault/keyring.ts';
import { VaultsApi } from '../../src/vault/vaults-api.ts';
import { BACKOFF, ManualClock, transportFor, useCoffer } from './harness.ts';

const coffer = useCoffer();

interface Person extends AccountSession {
  bundle: KeyBundle;
}

/** An account whose key directory entry holds keys this test owns. */
async function person(name: string): Promise<Person> {
  const seeded = await coffer.mock.createAccount(name);
  const bundle = await createKeyBundle();
  coffer.mock.setPublicKeys(seeded.accountId, {
    x25519: bundle.x25519.publicKey,
    ed25519: bundle.ed25519.publicKey,
  });
  return {
    accountId: seeded.accountId,
    username: name,
    sessionId: seeded.sessionId,
    bundle,
    signingKid: await kidForPublicKey('ed25519', bundle.ed25519.publicKey),
    encryptionKid: await kidForPublicKey('x25519', bundle.x25519.publicKey),
  };
}

/** `by` grants `key` to `to`, stored by the server as it would store any grant. */
async function grant(vaultId: string, key: VaultKey, to: Person, by: Person) {
  const envelope = await sealKeyGrant({
    vaultId: fromHex(vaultId),
    vaultKey: key,
    recipients: [{ kid: to.encryptionKid, x25519PublicKey: to.bundle.x25519.publicKey }],
    granter: { kid: by.signingKid, ed25519Seed: by.bundle.ed25519.seed },
  });
  const vault = coffer.mock.vault(vaultId);
  vault.currentEpoch = Math.max(vault.currentEpoch, key.epoch);
  coffer.mock.db.putGrant(vault, {
    epoch: key.epoch,
    recipientId: to.accountId,
    granterId: by.accountId,
    envelope: encodeArmor(envelope),
  });
}

/** A device of `me`: its VaultsApi, and a sync core whose keyring it builds. */
function device(me: Person) {
  const transport = transportFor(coffer, me.accountId);
  const store = new MemoryStore();
  const errors: Array<{ code: string; recordId?: string }> = [];
  const clock = new ManualClock();
  const vaults = new VaultsApi(
    transport,
    store,
    clock,
    () => me,
    (code) => errors.push({ code }),
  );
  const core = createSyncCore({
    store,
    transport,
    keyring: (vaultId, o) => vaults.keyring(vaultId, o),
    author: () => ({ signer: { kid: me.signingKid, seed: me.bundle.ed25519.seed } }),
    clock,
    backoff: BACKOFF,
    onError: (e) => errors.push(e),
  });
  return { vaults, core, store, errors };
}

/** A vault owned by alice with bob as a writer, both holding epoch 1 from alice. */
async function vaultOfAlice() {
  const alice = await person('alice');
  const bob = await person('bob');
  const vaultId = coffer.mock.db.createVault(alice.accountId).vaultId;
  await coffer.mock.addMember(vaultId, bob.accountId, 'writer');
  const k1 = await generateVaultKey(1);
  await grant(vaultId, k1, alice, alice);
  await grant(vaultId, k1, bob, alice);
  return { alice, bob, vaultId, k1 };
}

const epochs = (keys: ReadonlyArray<{ epoch: number }>) => keys.map((k) => k.epoch);
const codes = (errors: Array<{ code: string }>) => errors.map((e) => e.code);

describe('scenario: key grants from a malicious server', () => {
  it('a grant signed by someone who is not a member of the vault is refused', async () => {
    const { bob, vaultId } = await vaultOfAlice();
    const mallory = await person('mallory');
    await grant(vaultId, await generateVaultKey(2), bob, mallory);
    const b = device(bob);
    const ring = await b.vaults.keyring(vaultId);
    expect(epochs(ring.keys)).toEqual([1]);
    expect(codes(b.errors)).toEqual(['grant_untrusted']);
  });

  it('a grant signed by a member who may not grant (a writer) is refused', async () => {
    const { bob, vaultId } = await vaultOfAlice();
    const dave = await person('dave');
    await coffer.mock.addMember(vaultId, dave.accountId, 'writer');
    await grant(vaultId, await generateVaultKey(2), bob, dave);
    const b = device(bob);
    expect(epochs((await b.vaults.keyring(vaultId)).keys)).toEqual([1]);
    expect(codes(b.errors)).toEqual(['grant_untrusted']);
  });

  it('an admin granted later is trusted, but not under keys the server swapped in after the pin', async () => {
    const { bob, vaultId } = await vaultOfAlice();
    const carol = await person('carol');
    await coffer.mock.addMember(vaultId, carol.accountId, 'admin');
    await grant(vaultId, await generateVaultKey(2), bob, carol);
    const b = device(bob);
    expect(epochs((await b.vaults.keyring(vaultId)).keys)).toEqual([1, 2]);
    expect(b.errors).toEqual([]);

    // The server now publishes mallory's keys as carol's and serves a grant
    // signed with them: the pin of carol's keys decides, not the directory.
    const mallory = await person('mallory');
    coffer.mock.setPublicKeys(carol.accountId, {
      x25519: mallory.bundle.x25519.publicKey,
      ed25519: mallory.bundle.ed25519.publicKey,
    });
    await grant(vaultId, await generateVaultKey(3), bob, {
      ...mallory,
      accountId: carol.accountId,
    });
    // Carol's keys no longer match the pin: nothing signed with the keys the
    // directory now serves counts (nor, failing closed, her earlier grant,
    // until the user accepts the change).
    expect(epochs((await b.vaults.keyring(vaultId, { refresh: true })).keys)).toEqual([1]);
    expect(new Set(codes(b.errors))).toEqual(new Set(['grant_untrusted']));
    expect(b.errors.length).toBeGreaterThanOrEqual(2);
  });
});

describe('scenario: records signed by someone who is not a member', () => {
  const data = (name: string, value: string, author: Person, updatedAt = 1000): RecordData => ({
    name,
    type: 'application/json',
    content: new TextEncoder().encode(JSON.stringify(value)),
    createdAt: 1000,
    updatedAt,
    authorKid: author.signingKid,
  });

  it('refuses records not signed by a current member; local data is never overwritten', async () => {
    const { alice, bob, vaultId, k1 } = await vaultOfAlice();
    const mallory = await person('mallory');
    const ring = await buildKeyring(vaultId, [k1]);
    const write = async (name: string, value: string, by: Person | undefined, at = 1000) => {
      const recordId = await recordIdForName(ring, name);
      const signer = by && { signer: { kid: by.signingKid, seed: by.bundle.ed25519.seed } };
      const envelope = await sealRecordData(
        ring,
        recordId,
        data(name, value, by ?? alice, at),
        signer,
      );
      coffer.mock.concurrentWrite(vaultId, recordId, encodeArmor(envelope), 1);
      return recordId;
    };
    const doc = await write('doc', 'by alice', alice);
    await write('other', 'by bob', bob);
    const b = device(bob);
    await b.core.engine.sync(vaultId);
    expect(b.errors).toEqual([]);
    expect((await b.core.records.get(vaultId, 'doc'))?.value).toBe('by alice');

    // mallory holds the vault key (say, a leak) but is no member: her
    // signature, or none at all, does not make a record of this vault.
    await write('doc', 'by mallory', mallory, 2000);
    await write('fresh', 'unsigned', undefined, 2000);
    await b.core.engine.sync(vaultId);
    expect(codes(b.errors)).toEqual(['signer_untrusted', 'signer_untrusted']);
    expect(b.errors[0]?.recordId).toBe(doc);
    expect((await b.core.records.get(vaultId, 'doc'))?.value).toBe('by alice');
    expect(await b.core.records.get(vaultId, 'fresh')).toBeUndefined();
  });

  it('under an older epoch (removed members hold it) the footer signature itself is verified', async () => {
    const { alice, bob, vaultId, k1 } = await vaultOfAlice();
    const mallory = await person('mallory');
    const k2 = await generateVaultKey(2);
    await grant(vaultId, k2, alice, alice);
    await grant(vaultId, k2, bob, alice);
    const old = await buildKeyring(vaultId, [k1]);
    const write = async (name: string, signerSeed: Uint8Array) => {
      const recordId = await recordIdForName(old, name);
      const signer = { signer: { kid: alice.signingKid, seed: signerSeed } };
      const envelope = await sealRecordData(old, recordId, data(name, name, alice), signer);
      coffer.mock.concurrentWrite(vaultId, recordId, encodeArmor(envelope), 1);
    };
    await write('genuine', alice.bundle.ed25519.seed);
    // A footer naming alice, signed with another key: only verification tells.
    await write('forged', mallory.bundle.ed25519.seed);
    const b = device(bob);
    await b.core.engine.sync(vaultId);
    expect(codes(b.errors)).toEqual(['envelope_rejected']);
    expect((await b.core.records.get(vaultId, 'genuine'))?.value).toBe('genuine');
    expect(await b.core.records.get(vaultId, 'forged')).toBeUndefined();
  });

  it('a push conflict against a version not signed by a member: refused, the local write goes on', async () => {
    const { bob, vaultId, k1 } = await vaultOfAlice();
    const mallory = await person('mallory');
    const ring = await buildKeyring(vaultId, [k1]);
    const recordId = await recordIdForName(ring, 'doc');
    const signer = { signer: { kid: mallory.signingKid, seed: mallory.bundle.ed25519.seed } };
    const forged = await sealRecordData(
      ring,
      recordId,
      data('doc', 'by mallory', mallory, 5000),
      signer,
    );
    coffer.mock.concurrentWrite(vaultId, recordId, encodeArmor(forged), 1);
    const b = device(bob);
    await b.core.records.put(vaultId, 'doc', 'by bob');
    await b.core.engine.idle();
    expect(codes(b.errors)).toContain('signer_untrusted');
    expect(b.errors.every((e) => e.code === 'signer_untrusted')).toBe(true);
    expect((await b.core.records.get(vaultId, 'doc'))?.value).toBe('by bob');
    expect(await b.core.conflicts.list(vaultId)).toEqual([]);
  });
});
