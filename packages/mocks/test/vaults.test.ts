import { GrantList, MemberList, VaultList, VaultSummary } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { testKeyGrant, testRecordEnvelope } from '../src/index.ts';
import { call, createUser, createVault, hexId, type User, useMockServer } from './support.ts';

const coffer = useMockServer();

async function addMember(by: User, vaultId: string, who: User, role: string, epoch = 1) {
  return call('POST', `/v1/vaults/${vaultId}/members`, {
    token: by.token,
    json: {
      accountId: who.accountId,
      role,
      grants: [{ epoch, grant: await testKeyGrant(vaultId, epoch) }],
    },
  });
}

describe('vaults', () => {
  it('creates, lists and shows my vaults with my role; the body must be an empty object', async () => {
    const alice = await createUser();
    const created = await call('POST', '/v1/vaults', { token: alice.token, json: {} });
    expect(created.status).toBe(201);
    expect(VaultSummary.parse(created.body)).toMatchObject({
      role: 'owner',
      currentEpoch: 1,
      headSeq: 0,
    });
    const list = VaultList.parse((await call('GET', '/v1/vaults', { token: alice.token })).body);
    expect(list.vaults.map((v) => v.vaultId)).toEqual([created.body.vaultId]);
    const one = await call('GET', `/v1/vaults/${created.body.vaultId}`, { token: alice.token });
    expect(one.body.vaultId).toBe(created.body.vaultId);
    expect(
      (await call('POST', '/v1/vaults', { token: alice.token, json: { name: 'x' } })).status,
    ).toBe(400);
    expect((await call('POST', '/v1/vaults', { token: alice.token })).status).toBe(201);
    // Only a missing body counts as {}; a JSON null is a wrong type.
    const nullBody = await call('POST', '/v1/vaults', { token: alice.token, raw: 'null' });
    expect(nullBody.status).toBe(400);
    expect(nullBody.body.code).toBe('validation_failed');
  });

  it("another tenant's vault does not exist for me, on every route", async () => {
    const alice = await createUser();
    const mallory = await createUser('mallory');
    const vaultId = await createVault(alice);
    const routes: Array<[string, string]> = [
      ['GET', ''],
      ['GET', '/members'],
      ['GET', '/grants'],
      ['GET', '/changes'],
      ['GET', '/events'],
      ['POST', '/push'],
      ['POST', '/blobs'],
      ['DELETE', `/members/${alice.accountId}`],
    ];
    for (const [method, suffix] of routes) {
      const res = await call(method, `/v1/vaults/${vaultId}${suffix}`, { token: mallory.token });
      expect(res.status, `${method} ${suffix}`).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
    expect((await call('GET', '/v1/vaults/not-a-vault', { token: alice.token })).status).toBe(404);
  });

  it('roles: a reader cannot push, a writer cannot add members, an admin cannot add an admin', async () => {
    const [owner, admin, writer, reader, outsider] = await Promise.all(
      ['owner', 'admin', 'writer', 'reader', 'outsider'].map((p) => createUser(p)),
    );
    const vaultId = await createVault(owner!);
    expect((await addMember(owner!, vaultId, admin!, 'admin')).status).toBe(204);
    expect((await addMember(admin!, vaultId, writer!, 'writer')).status).toBe(204);
    expect((await addMember(admin!, vaultId, reader!, 'reader')).status).toBe(204);
    expect((await addMember(admin!, vaultId, outsider!, 'admin')).status).toBe(403);
    expect((await addMember(writer!, vaultId, outsider!, 'reader')).status).toBe(403);
    const recordId = hexId();
    const push = await call('POST', `/v1/vaults/${vaultId}/push`, {
      token: reader!.token,
      json: {
        mutations: [
          {
            mutationId: hexId(),
            recordId,
            baseRevision: null,
            op: 'put',
            epoch: 1,
            envelope: await testRecordEnvelope(vaultId, recordId),
          },
        ],
      },
    });
    expect(push.status).toBe(403);
    expect(push.body.code).toBe('forbidden');
    const members = MemberList.parse(
      (await call('GET', `/v1/vaults/${vaultId}/members`, { token: reader!.token })).body,
    );
    expect(members.members.map((m) => m.role).sort()).toEqual([
      'admin',
      'owner',
      'reader',
      'writer',
    ]);
    // Role changes: the admin may promote a reader to writer, not to admin.
    const patch = (by: User, who: User, role: string) =>
      call('PATCH', `/v1/vaults/${vaultId}/members/${who.accountId}`, {
        token: by.token,
        json: { role },
      });
    expect((await patch(admin!, reader!, 'writer')).status).toBe(204);
    expect((await patch(admin!, reader!, 'admin')).status).toBe(403);
    expect((await patch(admin!, reader!, 'owner')).status).toBe(400);
    expect((await patch(owner!, outsider!, 'reader')).status).toBe(404);
  });

  it('adding a member needs a grant for the current epoch that is a key-grant of that epoch', async () => {
    const owner = await createUser();
    const bob = await createUser('bob');
    const vaultId = await createVault(owner);
    const add = (grants: unknown[]) =>
      call('POST', `/v1/vaults/${vaultId}/members`, {
        token: owner.token,
        json: { accountId: bob.accountId, role: 'writer', grants },
      });
    expect((await add([])).status).toBe(400);
    expect((await add([{ epoch: 2, grant: await testKeyGrant(vaultId, 2) }])).status).toBe(400);
    expect((await add([{ epoch: 1, grant: await testKeyGrant(vaultId, 2) }])).body.code).toBe(
      'validation_failed',
    );
    expect(
      (await add([{ epoch: 1, grant: await testRecordEnvelope(vaultId, hexId()) }])).status,
    ).toBe(400);
    const unknown = await call('POST', `/v1/vaults/${vaultId}/members`, {
      token: owner.token,
      json: {
        accountId: hexId(),
        role: 'writer',
        grants: [{ epoch: 1, grant: await testKeyGrant(vaultId, 1) }],
      },
    });
    expect(unknown.status).toBe(404);
    expect((await add([{ epoch: 1, grant: await testKeyGrant(vaultId, 1) }])).status).toBe(204);
    const again = await add([{ epoch: 1, grant: await testKeyGrant(vaultId, 1) }]);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
    const grants = GrantList.parse(
      (await call('GET', `/v1/vaults/${vaultId}/grants`, { token: bob.token })).body,
    );
    expect(grants.grants).toMatchObject([{ epoch: 1, grantedBy: owner.accountId }]);
  });

  it('removal and rotation: the new epoch needs exactly one grant per remaining member, in order', async () => {
    const owner = await createUser();
    const bob = await createUser('bob');
    const carol = await createUser('carol');
    const vaultId = await createVault(owner);
    await addMember(owner, vaultId, bob, 'writer');
    await addMember(owner, vaultId, carol, 'reader');
    expect(
      (
        await call('DELETE', `/v1/vaults/${vaultId}/members/${bob.accountId}`, {
          token: carol.token,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('DELETE', `/v1/vaults/${vaultId}/members/${owner.accountId}`, {
          token: owner.token,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('DELETE', `/v1/vaults/${vaultId}/members/${bob.accountId}`, {
          token: owner.token,
        })
      ).status,
    ).toBe(204);
    expect((await call('GET', `/v1/vaults/${vaultId}`, { token: bob.token })).status).toBe(404);
    const grant = async (who: User, epoch: number) => ({
      accountId: who.accountId,
      grant: await testKeyGrant(vaultId, epoch),
    });
    const rotate = (epoch: number, grants: unknown[]) =>
      call('POST', `/v1/vaults/${vaultId}/epochs`, { token: owner.token, json: { epoch, grants } });
    expect((await rotate(2, [await grant(owner, 2)])).status).toBe(400);
    expect(
      (await rotate(2, [await grant(owner, 2), await grant(carol, 2), await grant(bob, 2)])).status,
    ).toBe(400);
    const skipped = await rotate(3, [await grant(owner, 3), await grant(carol, 3)]);
    expect(skipped.status).toBe(409);
    expect(skipped.body.code).toBe('conflict');
    const ok = await rotate(2, [await grant(owner, 2), await grant(carol, 2)]);
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ epoch: 2 });
    expect(
      (await call('GET', `/v1/vaults/${vaultId}`, { token: carol.token })).body.currentEpoch,
    ).toBe(2);
    // Carol leaves on her own.
    expect(
      (
        await call('DELETE', `/v1/vaults/${vaultId}/members/${carol.accountId}`, {
          token: carol.token,
        })
      ).status,
    ).toBe(204);
  });

  it('putGrants stores grants of existing epochs for members only', async () => {
    const owner = await createUser();
    const stranger = await createUser('stranger');
    const vaultId = await createVault(owner);
    const put = (grants: unknown[]) =>
      call('PUT', `/v1/vaults/${vaultId}/grants`, { token: owner.token, json: { grants } });
    expect(
      (
        await put([
          { accountId: stranger.accountId, epoch: 1, grant: await testKeyGrant(vaultId, 1) },
        ])
      ).status,
    ).toBe(400);
    expect(
      (await put([{ accountId: owner.accountId, epoch: 2, grant: await testKeyGrant(vaultId, 2) }]))
        .status,
    ).toBe(400);
    expect(
      (await put([{ accountId: owner.accountId, epoch: 1, grant: await testKeyGrant(vaultId, 1) }]))
        .status,
    ).toBe(204);
    expect(
      (await call('GET', `/v1/vaults/${vaultId}/grants`, { token: owner.token })).body.grants,
    ).toHaveLength(1);
  });

  it('an admin writes their own grants and those of members below, not of the owner or another admin', async () => {
    const owner = await createUser('owner');
    const admin = await createUser('admin');
    const other = await createUser('admin2');
    const writer = await createUser('writer');
    const vaultId = await createVault(owner);
    await coffer.mock.addMember(vaultId, admin.accountId, 'admin');
    await coffer.mock.addMember(vaultId, other.accountId, 'admin');
    await coffer.mock.addMember(vaultId, writer.accountId, 'writer');
    const put = async (accountId: string) =>
      call('PUT', `/v1/vaults/${vaultId}/grants`, {
        token: admin.token,
        json: { grants: [{ accountId, epoch: 1, grant: await testKeyGrant(vaultId, 1) }] },
      });
    const ownerGrantBefore = (
      await call('GET', `/v1/vaults/${vaultId}/grants`, { token: owner.token })
    ).body.grants;
    for (const target of [owner, other]) {
      const denied = await put(target.accountId);
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('forbidden');
    }
    expect(
      (await call('GET', `/v1/vaults/${vaultId}/grants`, { token: owner.token })).body.grants,
    ).toEqual(ownerGrantBefore);
    expect((await put(admin.accountId)).status).toBe(204);
    expect((await put(writer.accountId)).status).toBe(204);
    // A forbidden grant anywhere in the list refuses the whole request.
    const mixed = await call('PUT', `/v1/vaults/${vaultId}/grants`, {
      token: admin.token,
      json: {
        grants: [
          { accountId: writer.accountId, epoch: 1, grant: await testKeyGrant(vaultId, 1) },
          { accountId: owner.accountId, epoch: 1, grant: await testKeyGrant(vaultId, 1) },
        ],
      },
    });
    expect(mixed.status).toBe(403);
  });
});
