// vaults.removeMember must never leave a removed member holding the vault's
// current key: whatever fails, either nothing changed or a retry rotates.
import { afterEach, describe, expect, it } from 'vitest';
import type { CofferClient } from '../../src/client.ts';
import { appClient, useCoffer } from './harness.ts';

const coffer = useCoffer();
const PASSPHRASE = 'correct horse battery';
const open: CofferClient[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

async function user(name: string) {
  const client = appClient();
  open.push(client);
  await client.accounts.signup(name, PASSPHRASE);
  const session = await client.accounts.login(name, PASSPHRASE);
  return { client, accountId: session.accountId };
}

async function vaultOfThree() {
  const alice = await user('alice');
  const bob = await user('bob');
  const carol = await user('carol');
  const { vaultId } = await alice.client.vaults.create();
  await alice.client.vaults.share(vaultId, 'bob', 'writer');
  await alice.client.vaults.share(vaultId, 'carol', 'writer');
  return { alice, bob, carol, vaultId };
}

const memberIds = (vaultId: string) => [...coffer.mock.vault(vaultId).members.keys()].sort();

describe('vaults.removeMember', () => {
  it("a remaining member's changed key stops it before bob is removed", async () => {
    const { alice, bob, carol, vaultId } = await vaultOfThree();
    // carol's keys in the directory are not the ones alice pinned.
    coffer.mock.setPublicKeys(carol.accountId, {
      x25519: crypto.getRandomValues(new Uint8Array(32)),
      ed25519: crypto.getRandomValues(new Uint8Array(32)),
    });
    const error = await alice.client.vaults
      .removeMember(vaultId, bob.accountId)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'user_key_changed' });
    // Removed without a rotation, bob would keep the key of every later write.
    expect(memberIds(vaultId)).toContain(bob.accountId);
    expect(coffer.mock.vault(vaultId).currentEpoch).toBe(1);
  });

  it('when the rotation fails after the removal, calling it again rotates', async () => {
    const { alice, bob, carol, vaultId } = await vaultOfThree();
    coffer.mock.setScenario({ serverError: { times: 1, operations: ['newEpoch'] } });
    await expect(alice.client.vaults.removeMember(vaultId, bob.accountId)).rejects.toMatchObject({
      status: 503,
    });
    expect(memberIds(vaultId)).not.toContain(bob.accountId);
    expect(coffer.mock.vault(vaultId).currentEpoch).toBe(1);
    // The retry finds bob already gone and finishes the rotation.
    await expect(alice.client.vaults.removeMember(vaultId, bob.accountId)).resolves.toBe(2);
    expect(coffer.mock.vault(vaultId).currentEpoch).toBe(2);
    expect(memberIds(vaultId)).toEqual([alice.accountId, carol.accountId].sort());
    // New writes use the new key, and carol reads them.
    await alice.client.records.put(vaultId, 'after', 'removal');
    await alice.client.sync(vaultId);
    await carol.client.sync(vaultId);
    expect((await carol.client.records.get(vaultId, 'after'))?.value).toBe('removal');
  });

  it('someone who never was a member is still the server’s not_found', async () => {
    const { alice, vaultId } = await vaultOfThree();
    const dave = await user('dave');
    await expect(alice.client.vaults.removeMember(vaultId, dave.accountId)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(coffer.mock.vault(vaultId).currentEpoch).toBe(1);
  });
});
