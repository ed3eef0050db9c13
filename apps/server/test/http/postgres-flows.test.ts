import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  createVault,
  keyGrant,
  login,
  newHexId,
  recordEnvelope,
  signedChallenge,
} from '../support/accounts.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { openEvents, seqAtLeast } from '../support/sse.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// The key flows again, on PostgreSQL: same HTTP layer, the other engine.
let db: TestDatabase;
let t: TestServer;
beforeAll(async () => {
  db = await createTestDatabase();
  t = await startTestServer({ config: { databaseUrl: db.url } });
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

describe('key flows on PostgreSQL', () => {
  it('signup, login, replay refused, vault, members, push/pull, conflicts, live events, blobs', async () => {
    expect(t.server.store.engine).toBe('postgres');
    const alice = await createUser(t.api(), 'alice');
    const bob = await createUser(t.api(), 'bob');
    const replay = await login(t.api(), alice.username, alice.loginSeed);
    expect(replay.status).toBe(200);

    const vaultId = await createVault(alice);
    expect((await bob.api.get(`/v1/vaults/${vaultId}`)).status).toBe(404);
    await alice.api.post(`/v1/vaults/${vaultId}/members`, {
      accountId: bob.accountId,
      role: 'reader',
      grants: [{ epoch: 1, grant: await keyGrant(vaultId, 1) }],
    });
    const stream = await openEvents(bob.api, `/v1/vaults/${vaultId}/events`);

    const recordId = newHexId();
    const put = async (base: number | null) => ({
      op: 'put',
      mutationId: newHexId(),
      recordId,
      baseRevision: base,
      epoch: 1,
      envelope: await recordEnvelope(vaultId, recordId),
    });
    expect(
      (await alice.api.post(`/v1/vaults/${vaultId}/push`, { mutations: [await put(null)] })).body
        .results[0].status,
    ).toBe('applied');
    await stream.waitFor(seqAtLeast(1));
    expect(
      (await bob.api.post(`/v1/vaults/${vaultId}/push`, { mutations: [await put(1)] })).status,
    ).toBe(403);

    const racers = await Promise.all(
      Array.from({ length: 10 }, async () => ({ mutations: [await put(1)] })),
    );
    const answers = await Promise.all(
      racers.map((b) => alice.api.post(`/v1/vaults/${vaultId}/push`, b)),
    );
    expect(answers.filter((a) => a.body.results[0].status === 'applied')).toHaveLength(1);
    await stream.waitFor(seqAtLeast(2));
    const pull = await bob.api.get(`/v1/vaults/${vaultId}/changes`);
    expect(pull.body.changes).toEqual([expect.objectContaining({ seq: 2, revision: 2, recordId })]);
    stream.close();

    const data = randomBytes(3000);
    const blob = await alice.api.post(`/v1/vaults/${vaultId}/blobs`, { size: data.length });
    const base = `/v1/vaults/${vaultId}/blobs/${blob.body.blobId}`;
    await alice.api.call('PUT', `${base}/chunks?offset=0`, {
      raw: data.subarray(0, 1000),
      contentType: 'application/octet-stream',
    });
    await alice.api.call('PUT', `${base}/chunks?offset=1000`, {
      raw: data.subarray(1000),
      contentType: 'application/octet-stream',
    });
    expect((await alice.api.post(`${base}/complete`)).body.complete).toBe(true);
    expect((await t.api().get('/readyz', { noProtocolHeaders: true })).status).toBe(200);
  });
});

describe('free text on PostgreSQL', () => {
  it('refuses a device name with control characters (PostgreSQL text cannot hold NUL) instead of failing', async () => {
    const alice = await createUser(t.api(), 'alice');
    const before = (await alice.api.get('/v1/sessions')).body;
    for (const deviceName of [
      'laptop\u0000',
      'term\u001b]0;owned\u0007',
      'line\nbreak',
      'c1\u0085',
    ]) {
      const proof = await signedChallenge(t.api(), alice.username, alice.loginSeed, 'login');
      const res = await t
        .api()
        .post('/v1/auth/login', { username: alice.username, deviceName, ...proof });
      expect(res.status, JSON.stringify(deviceName)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.issues).toEqual([expect.objectContaining({ path: 'deviceName' })]);
    }
    expect((await alice.api.get('/v1/sessions')).body).toEqual(before);
    const proof = await signedChallenge(t.api(), alice.username, alice.loginSeed, 'login');
    const ok = await t.api().post('/v1/auth/login', {
      username: alice.username,
      deviceName: 'Ålice’s 📱 phone',
      ...proof,
    });
    expect(ok.status).toBe(200);
  });
});
