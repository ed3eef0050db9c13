import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SeqEvent } from '../../src/protocol.ts';
import {
  createUser,
  createVault,
  keyGrant,
  login,
  newHexId,
  newRecordPush,
} from '../support/accounts.ts';
import { openEvents, seqAtLeast } from '../support/sse.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
const LIVE_CAP = 3;
beforeAll(async () => {
  // A small cap so the cap test opens a handful of streams, not 65.
  t = await startTestServer({ overrides: { maxLiveStreamsPerAccount: LIVE_CAP } });
});
afterAll(async () => {
  await t?.close();
});

async function pushOne(api: import('../support/api.ts').Api, vaultId: string) {
  const recordId = newHexId();
  return api.post(`/v1/vaults/${vaultId}/push`, await newRecordPush(vaultId, recordId));
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

  it('caps the open streams of an account over all its sessions; closing one frees its slot', async () => {
    const alice = await createUser(t.api());
    const bob = await createUser(t.api());
    const vaults = [await createVault(alice), await createVault(alice)];
    const second = await login(t.api(), alice.username, alice.loginSeed);
    const phone = t.api(second.body.token);
    const path = (i: number) => `/v1/vaults/${vaults[i % 2]}/events`;
    const open = [
      await openEvents(alice.api, path(0)),
      await openEvents(alice.api, path(1)),
      await openEvents(phone, path(0)),
    ];
    for (const s of open) await s.waitFor(seqAtLeast(0));
    expect(open.map((s) => s.status)).toEqual([200, 200, 200]);
    // Stream cap+1, from either session: a problem document, no stream.
    for (const api of [alice.api, phone]) {
      const over = await api.get(path(1));
      expect(over.status).toBe(429);
      expect(over.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(over.body.code).toBe('rate_limited');
      expect(over.headers['retry-after']).toBe('30');
    }
    expect(t.server.ctx.liveStreams.countAccount(alice.accountId)).toBe(LIVE_CAP);
    // Another account is not affected.
    await createVault(bob).then(async (bobVault) => {
      const bobs = await openEvents(bob.api, `/v1/vaults/${bobVault}/events`);
      expect(bobs.status).toBe(200);
      bobs.close();
    });
    // The client going away frees its slot once the server sees the socket close.
    open[0]?.close();
    await vi.waitFor(() =>
      expect(t.server.ctx.liveStreams.countAccount(alice.accountId)).toBe(LIVE_CAP - 1),
    );
    const again = await openEvents(alice.api, path(0));
    expect(again.status).toBe(200);
    await again.waitFor(seqAtLeast(0));
    expect((await alice.api.get(path(1))).status).toBe(429);
    // A stream the server ends (logout) frees its slot at once.
    expect((await phone.post('/v1/auth/logout')).status).toBe(204);
    await open[2]?.ended;
    const afterLogout = await openEvents(alice.api, path(1));
    expect(afterLogout.status).toBe(200);
    for (const s of [open[1], again, afterLogout]) s?.close();
  });

  it('refuses non-members and missing tokens', async () => {
    const alice = await createUser(t.api());
    const mallory = await createUser(t.api());
    const vaultId = await createVault(alice);
    expect((await mallory.api.get(`/v1/vaults/${vaultId}/events`)).status).toBe(404);
    expect((await t.api().get(`/v1/vaults/${vaultId}/events`)).status).toBe(401);
  });
});
