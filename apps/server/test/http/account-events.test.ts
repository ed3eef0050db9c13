/**
 * The account live stream, `GET /v1/account/events`: "your vault memberships
 * changed" for every device of the account, on SQLite and on PostgreSQL (two
 * instances sharing one database), ending like the vault stream does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_EVENTS_FEATURE, MetaResponse, VaultsChangedEvent } from '../../src/protocol.ts';
import {
  createUser,
  createVault,
  keyGrant,
  login,
  signedChallenge,
  type TestUser,
} from '../support/accounts.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { type EventStream, openEvents, type SseEvent } from '../support/sse.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const PATH = '/v1/account/events';
const LIVE_CAP = 3;

/** The `n`th `vaults` event of a stream (1-based), with its reason. */
function nthVaults(n: number): (e: SseEvent) => boolean {
  let seen = 0;
  return (e) => e.event === 'vaults' && ++seen === n;
}
const reasonOf = (e: SseEvent) => VaultsChangedEvent.parse(JSON.parse(e.data)).reason;

/** Whether the stream has ALREADY received its `n`th `vaults` event. */
async function hasNth(stream: EventStream, n: number): Promise<boolean> {
  return (await Promise.race([stream.waitFor(nthVaults(n)), Promise.resolve(null)])) !== null;
}

async function share(owner: TestUser, vaultId: string, member: TestUser, role = 'reader') {
  const res = await owner.api.post(`/v1/vaults/${vaultId}/members`, {
    accountId: member.accountId,
    role,
    grants: [{ epoch: 1, grant: await keyGrant(vaultId, 1) }],
  });
  expect(res.status).toBe(204);
}

type Engine = 'sqlite' | 'postgres';
describe.each<Engine>(['sqlite', 'postgres'])('account events on %s', (engine) => {
  let db: TestDatabase | undefined;
  // Two instances: on PostgreSQL they share the database; on SQLite `b` is `a`.
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    const overrides = { maxLiveStreamsPerAccount: LIVE_CAP };
    if (engine === 'postgres') {
      db = await createTestDatabase();
      const config = { databaseUrl: db.url };
      a = await startTestServer({ config, overrides });
      b = await startTestServer({ config, overrides });
    } else {
      a = await startTestServer({ overrides });
      b = a;
    }
  });
  afterAll(async () => {
    if (b !== a) await b?.close();
    await a?.close();
    await db?.drop();
  });

  it('says connected first, then changed on share, role change and removal; not to others', async () => {
    const alice = await createUser(a.api());
    const bob = await createUser(a.api());
    const carol = await createUser(a.api());
    const vaultId = await createVault(alice);
    // Bob's device listens on the other instance.
    const bobs = await openEvents(b.api(bob.token), PATH);
    const carols = await openEvents(b.api(carol.token), PATH);
    expect(bobs.status).toBe(200);
    expect(reasonOf(await bobs.waitFor(nthVaults(1)))).toBe('connected');
    expect(reasonOf(await carols.waitFor(nthVaults(1)))).toBe('connected');

    await share(alice, vaultId, bob);
    expect(reasonOf(await bobs.waitFor(nthVaults(2)))).toBe('changed');
    const role = await alice.api.patch(`/v1/vaults/${vaultId}/members/${bob.accountId}`, {
      role: 'writer',
    });
    expect(role.status).toBe(204);
    expect(reasonOf(await bobs.waitFor(nthVaults(3)))).toBe('changed');
    expect((await alice.api.delete(`/v1/vaults/${vaultId}/members/${bob.accountId}`)).status).toBe(
      204,
    );
    expect(reasonOf(await bobs.waitFor(nthVaults(4)))).toBe('changed');

    // Carol hears only her own news: her share comes after Bob's three on
    // one ordered channel, so any of his would have arrived before it.
    await share(alice, vaultId, carol);
    expect(reasonOf(await carols.waitFor(nthVaults(2)))).toBe('changed');
    expect(await hasNth(carols, 3)).toBe(false);
    // And the data names nobody: only a reason.
    const second = await carols.waitFor(nthVaults(2));
    expect(Object.keys(JSON.parse(second.data))).toEqual(['reason']);
    bobs.close();
    carols.close();
  });

  it("tells the owner's other devices about a new vault, and members when its owner's account goes", async () => {
    const alice = await createUser(a.api());
    const bob = await createUser(a.api());
    const vaultId = await createVault(alice);
    await share(alice, vaultId, bob);
    const phone = await login(a.api(), alice.username, alice.loginSeed);
    const alicePhone = await openEvents(b.api(phone.body.token), PATH);
    const bobs = await openEvents(b.api(bob.token), PATH);
    await alicePhone.waitFor(nthVaults(1));
    await bobs.waitFor(nthVaults(1));
    await createVault(alice);
    expect(reasonOf(await alicePhone.waitFor(nthVaults(2)))).toBe('changed');
    // Alice's vault goes with her account: Bob's devices drop it now.
    const proof = await signedChallenge(a.api(), alice.username, alice.loginSeed, 'delete-account');
    expect((await alice.api.delete('/v1/account', proof)).status).toBe(204);
    expect(reasonOf(await bobs.waitFor(nthVaults(2)))).toBe('changed');
    alicePhone.close();
    bobs.close();
  });

  it('ends on logout, on revocation from another device, and on expiry', async () => {
    const alice = await createUser(a.api());
    const loggedOut = await openEvents(b.api(alice.token), PATH);
    await loggedOut.waitFor(nthVaults(1));
    expect((await a.api(alice.token).post('/v1/auth/logout')).status).toBe(204);
    // Logged out on the other instance: ended by the periodic re-check there.
    await loggedOut.ended;

    const laptop = await login(a.api(), alice.username, alice.loginSeed);
    const phone = await login(a.api(), alice.username, alice.loginSeed);
    const revoked = await openEvents(a.api(phone.body.token), PATH);
    await revoked.waitFor(nthVaults(1));
    const gone = await a.api(laptop.body.token).delete(`/v1/sessions/${phone.body.sessionId}`);
    expect(gone.status).toBe(204);
    await revoked.ended;

    const expiring = await openEvents(b.api(laptop.body.token), PATH);
    await expiring.waitFor(nthVaults(1));
    b.clock.now += 31 * 24 * 3600 * 1000;
    try {
      await expiring.ended;
    } finally {
      b.clock.now -= 31 * 24 * 3600 * 1000;
    }
  });

  it('counts against the per-account live-stream cap and needs a session', async () => {
    const alice = await createUser(a.api());
    const vaultId = await createVault(alice);
    const open = [
      await openEvents(a.api(alice.token), PATH),
      await openEvents(a.api(alice.token), `/v1/vaults/${vaultId}/events`),
      await openEvents(a.api(alice.token), PATH),
    ];
    expect(open.map((s) => s.status)).toEqual([200, 200, 200]);
    const over = await a.api(alice.token).get(PATH);
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('rate_limited');
    for (const s of open) s.close();
    expect((await a.api().get(PATH)).status).toBe(401);
  });

  it('is advertised in /v1/meta only to a client that asks (old clients parse meta strictly)', async () => {
    const plain = await a.api().get('/v1/meta');
    expect(plain.status).toBe(200);
    expect(plain.body).not.toHaveProperty('features');
    const asked = await a.api().get('/v1/meta?features=1');
    expect(MetaResponse.parse(asked.body).features).toEqual([ACCOUNT_EVENTS_FEATURE]);
  });
});

describe('account events and shutdown', () => {
  it('the account stream ends when the server shuts down (close() does not wait on it)', async () => {
    const t = await startTestServer();
    const alice = await createUser(t.api());
    const stream = await openEvents(t.api(alice.token), PATH);
    await stream.waitFor(nthVaults(1));
    const closed = t.close();
    await stream.ended;
    await closed;
  });
});
