import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeqEvent } from '../../src/protocol.ts';
import {
  createUser,
  createVault,
  keyGrant,
  newHexId,
  recordEnvelope,
} from '../support/accounts.ts';
import { openEvents, seqAtLeast } from '../support/sse.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

async function pushOne(api: import('../support/api.ts').Api, vaultId: string) {
  const recordId = newHexId();
  return api.post(`/v1/vaults/${vaultId}/push`, {
    mutations: [
      {
        op: 'put',
        mutationId: newHexId(),
        recordId,
        baseRevision: null,
        epoch: 1,
        envelope: await recordEnvelope(vaultId, recordId),
      },
    ],
  });
}

describe('live events', () => {
  it('tells every member about new sequences, starting with the current head', async () => {
    const alice = await createUser(t.api());
    const bob = await createUser(t.api());
    const vaultId = await createVault(alice);
    await bob.api.get('/v1/vaults');
    await alice.api.post(`/v1/vaults/${vaultId}/members`, {
      accountId: bob.accountId,
      role: 'reader',
      grants: [{ epoch: 1, grant: await keyGrant(vaultId, 1) }],
    });
    await pushOne(alice.api, vaultId);
    const stream = await openEvents(bob.api, `/v1/vaults/${vaultId}/events`);
    expect(stream.status).toBe(200);
    const head = await stream.waitFor(seqAtLeast(1));
    expect(SeqEvent.parse(JSON.parse(head.data))).toEqual({ vaultId, seq: 1 });
    await pushOne(alice.api, vaultId);
    await stream.waitFor(seqAtLeast(2));
    stream.close();
  });

  it('ends the stream when its session is revoked (and on logout)', async () => {
    const alice = await createUser(t.api());
    const vaultId = await createVault(alice);
    const stream = await openEvents(alice.api, `/v1/vaults/${vaultId}/events`);
    await stream.waitFor(seqAtLeast(0));
    expect((await alice.api.post('/v1/auth/logout')).status).toBe(204);
    await stream.ended;
  });

  it('ends the stream of a removed member', async () => {
    const alice = await createUser(t.api());
    const bob = await createUser(t.api());
    const vaultId = await createVault(alice);
    await alice.api.post(`/v1/vaults/${vaultId}/members`, {
      accountId: bob.accountId,
      role: 'reader',
      grants: [{ epoch: 1, grant: await keyGrant(vaultId, 1) }],
    });
    const stream = await openEvents(bob.api, `/v1/vaults/${vaultId}/events`);
    await stream.waitFor(seqAtLeast(0));
    await alice.api.delete(`/v1/vaults/${vaultId}/members/${bob.accountId}`);
    await stream.ended;
  });

  it('ends the stream when the session expires (periodic re-check)', async () => {
    const alice = await createUser(t.api());
    const vaultId = await createVault(alice);
    const stream = await openEvents(alice.api, `/v1/vaults/${vaultId}/events`);
    await stream.waitFor(seqAtLeast(0));
    t.clock.now += 31 * 24 * 3600 * 1000;
    try {
      await stream.ended;
    } finally {
      t.clock.now -= 31 * 24 * 3600 * 1000;
    }
  });

  it('refuses non-members and missing tokens', async () => {
    const alice = await createUser(t.api());
    const mallory = await createUser(t.api());
    const vaultId = await createVault(alice);
    expect((await mallory.api.get(`/v1/vaults/${vaultId}/events`)).status).toBe(404);
    expect((await t.api().get(`/v1/vaults/${vaultId}/events`)).status).toBe(401);
  });
});
