import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  createVault,
  keyGrant,
  newHexId,
  newRecordPush,
  recordEnvelope,
  type TestUser,
} from '../support/accounts.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

async function addMember(owner: TestUser, vaultId: string, member: TestUser, role: string) {
  const vault = await owner.api.get(`/v1/vaults/${vaultId}`);
  const epoch = vault.body.currentEpoch as number;
  return owner.api.post(`/v1/vaults/${vaultId}/members`, {
    accountId: member.accountId,
    role,
    grants: [{ epoch, grant: await keyGrant(vaultId, epoch) }],
  });
}

const putBody = async (vaultId: string) => {
  const recordId = newHexId();
  return await newRecordPush(vaultId, recordId);
};

describe('vaults', () => {
  it('creates, lists and shows my vaults with my role', async () => {
    const alice = await createUser(t.api());
    const vaultId = await createVault(alice);
    const list = await alice.api.get('/v1/vaults');
    expect(list.body.vaults).toEqual([
      expect.objectContaining({ vaultId, role: 'owner', currentEpoch: 1, headSeq: 0 }),
    ]);
    const grants = await alice.api.get(`/v1/vaults/${vaultId}/grants`);
    expect(grants.body.grants).toEqual([
      expect.objectContaining({ epoch: 1, grantedBy: alice.accountId }),
    ]);
    const create = await alice.api.post('/v1/vaults', { name: 'leaks metadata' });
    expect(create.status).toBe(400);
    expect((await alice.api.get('/v1/vaults')).body.vaults).toHaveLength(1);
  });

  it("another tenant's vault does not exist for me, on every route, and nothing changes", async () => {
    const alice = await createUser(t.api());
    const mallory = await createUser(t.api());
    const vaultId = await createVault(alice);
    const body = await putBody(vaultId);
    const attempts = [
      mallory.api.get(`/v1/vaults/${vaultId}`),
      mallory.api.get(`/v1/vaults/${vaultId}/members`),
      mallory.api.get(`/v1/vaults/${vaultId}/grants`),
      mallory.api.get(`/v1/vaults/${vaultId}/changes`),
      mallory.api.get(`/v1/vaults/${vaultId}/events`),
      mallory.api.post(`/v1/vaults/${vaultId}/push`, body),
      mallory.api.post(`/v1/vaults/${vaultId}/members`, {
        accountId: mallory.accountId,
        role: 'admin',
        grants: [{ epoch: 1, grant: await keyGrant(vaultId, 1) }],
      }),
      mallory.api.post(`/v1/vaults/${vaultId}/epochs`, {
        epoch: 2,
        grants: [{ accountId: mallory.accountId, grant: await keyGrant(vaultId, 2) }],
      }),
      mallory.api.put(`/v1/vaults/${vaultId}/grants`, {
        grants: [{ accountId: mallory.accountId, epoch: 1, grant: await keyGrant(vaultId, 1) }],
      }),
      mallory.api.delete(`/v1/vaults/${vaultId}/members/${alice.accountId}`),
      mallory.api.post(`/v1/vaults/${vaultId}/blobs`, { size: 10 }),
    ];
    const unknown = await mallory.api.get(`/v1/vaults/${newHexId()}`);
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(unknown.body);
    }
    const state = await alice.api.get(`/v1/vaults/${vaultId}`);
    expect(state.body).toMatchObject({ currentEpoch: 1, headSeq: 0 });
    expect((await alice.api.get(`/v1/vaults/${vaultId}/members`)).body.members).toHaveLength(1);
    expect((await mallory.api.get('/v1/vaults')).body.vaults).toEqual([]);
  });

  it('roles: a reader cannot push, a writer cannot manage members, an admin cannot promote to admin', async () => {
    const owner = await createUser(t.api());
    const [admin, writer, reader, outsider] = await Promise.all(
      [1, 2, 3, 4].map(() => createUser(t.api())),
    );
    const vaultId = await createVault(owner);
    expect((await addMember(owner, vaultId, admin!, 'admin')).status).toBe(204);
    expect((await addMember(admin!, vaultId, writer!, 'writer')).status).toBe(204);
    expect((await addMember(admin!, vaultId, reader!, 'reader')).status).toBe(204);
    expect((await addMember(admin!, vaultId, outsider!, 'admin')).status).toBe(403);
    expect((await addMember(writer!, vaultId, outsider!, 'reader')).status).toBe(403);

    const push = await reader!.api.post(`/v1/vaults/${vaultId}/push`, await putBody(vaultId));
    expect(push.status).toBe(403);
    expect(push.body.code).toBe('forbidden');
    expect((await reader!.api.get(`/v1/vaults/${vaultId}/changes`)).body.changes).toEqual([]);
    expect(
      (await writer!.api.post(`/v1/vaults/${vaultId}/push`, await putBody(vaultId))).status,
    ).toBe(200);

    expect(
      (
        await admin!.api.patch(`/v1/vaults/${vaultId}/members/${reader!.accountId}`, {
          role: 'writer',
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await admin!.api.patch(`/v1/vaults/${vaultId}/members/${reader!.accountId}`, {
          role: 'admin',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await admin!.api.patch(`/v1/vaults/${vaultId}/members/${owner.accountId}`, {
          role: 'reader',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await owner.api.patch(`/v1/vaults/${vaultId}/members/${reader!.accountId}`, {
          role: 'owner',
        })
      ).status,
    ).toBe(400);
    const members = await owner.api.get(`/v1/vaults/${vaultId}/members`);
    const roles = Object.fromEntries(
      members.body.members.map((m: { accountId: string; role: string }) => [m.accountId, m.role]),
    );
    expect(roles).toEqual({
      [owner.accountId]: 'owner',
      [admin!.accountId]: 'admin',
      [writer!.accountId]: 'writer',
      [reader!.accountId]: 'writer',
    });
  });

  it('adding a member needs a grant for the current epoch that really is a key-grant of that epoch', async () => {
    const owner = await createUser(t.api());
    const bob = await createUser(t.api());
    const vaultId = await createVault(owner);
    const add = (grants: unknown) =>
      owner.api.post(`/v1/vaults/${vaultId}/members`, {
        accountId: bob.accountId,
        role: 'reader',
        grants,
      });
    expect((await add([])).status).toBe(400);
    expect((await add([{ epoch: 2, grant: await keyGrant(vaultId, 2) }])).status).toBe(400);
    expect((await add([{ epoch: 1, grant: await keyGrant(vaultId, 2) }])).status).toBe(400);
    expect(
      (await add([{ epoch: 1, grant: await recordEnvelope(vaultId, newHexId()) }])).status,
    ).toBe(400);
    expect(
      (
        await owner.api.post(`/v1/vaults/${vaultId}/members`, {
          accountId: newHexId(),
          role: 'reader',
          grants: [{ epoch: 1, grant: await keyGrant(vaultId, 1) }],
        })
      ).status,
    ).toBe(404);
    expect((await owner.api.get(`/v1/vaults/${vaultId}/members`)).body.members).toHaveLength(1);
    expect((await add([{ epoch: 1, grant: await keyGrant(vaultId, 1) }])).status).toBe(204);
    expect((await add([{ epoch: 1, grant: await keyGrant(vaultId, 1) }])).status).toBe(409);
    expect((await bob.api.get(`/v1/vaults/${vaultId}/grants`)).body.grants).toHaveLength(1);
  });

  it('removal and rotation: the new epoch needs exactly one grant per remaining member', async () => {
    const owner = await createUser(t.api());
    const bob = await createUser(t.api());
    const carol = await createUser(t.api());
    const vaultId = await createVault(owner);
    await addMember(owner, vaultId, bob, 'writer');
    await addMember(owner, vaultId, carol, 'reader');
    expect((await carol.api.delete(`/v1/vaults/${vaultId}/members/${bob.accountId}`)).status).toBe(
      403,
    );
    expect((await owner.api.delete(`/v1/vaults/${vaultId}/members/${bob.accountId}`)).status).toBe(
      204,
    );
    expect((await bob.api.get(`/v1/vaults/${vaultId}`)).status).toBe(404);
    expect((await bob.api.get(`/v1/vaults/${vaultId}/grants`)).status).toBe(404);

    const rotate = (grants: Array<{ accountId: string; grant: string }>, epoch = 2) =>
      owner.api.post(`/v1/vaults/${vaultId}/epochs`, { epoch, grants });
    const forOwner = { accountId: owner.accountId, grant: await keyGrant(vaultId, 2) };
    const forCarol = { accountId: carol.accountId, grant: await keyGrant(vaultId, 2) };
    const forBob = { accountId: bob.accountId, grant: await keyGrant(vaultId, 2) };
    expect((await rotate([forOwner])).status).toBe(400);
    expect((await rotate([forOwner, forCarol, forBob])).status).toBe(400);
    const skip = [owner, carol].map(async (u) => ({
      accountId: u.accountId,
      grant: await keyGrant(vaultId, 3),
    }));
    const skipped = await rotate(await Promise.all(skip), 3);
    expect(skipped.status).toBe(409);
    expect(skipped.body.code).toBe('conflict');
    expect((await owner.api.get(`/v1/vaults/${vaultId}`)).body.currentEpoch).toBe(1);
    expect((await rotate([forOwner, forCarol])).status).toBe(201);
    expect((await owner.api.get(`/v1/vaults/${vaultId}`)).body.currentEpoch).toBe(2);
    expect(
      (await carol.api.get(`/v1/vaults/${vaultId}/grants`)).body.grants.map(
        (g: { epoch: number }) => g.epoch,
      ),
    ).toEqual([1, 2]);
    // A member may leave; the owner may not.
    expect(
      (await carol.api.delete(`/v1/vaults/${vaultId}/members/${carol.accountId}`)).status,
    ).toBe(204);
    expect(
      (await owner.api.delete(`/v1/vaults/${vaultId}/members/${owner.accountId}`)).status,
    ).toBe(403);
  });
});
