/**
 * When the database goes away (PostgreSQL stopped, network cut) a request is
 * answered 503 `unavailable` with Retry-After, not 500 `internal error`, and
 * the server serves again once the database is back. The database sits
 * behind a TCP relay the test can cut.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser, createVault, newHexId, newRecordPush } from '../support/accounts.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** A relay from 127.0.0.1:port to the test cluster's socket, that can be cut and restored. */
class Relay {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;
  readonly #target: string;
  constructor(target: string) {
    this.#target = target;
  }
  async open(): Promise<void> {
    if (this.#server) return;
    const server = createServer((inbound) => {
      const outbound = tcpConnect(this.#target);
      for (const s of [inbound, outbound]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {});
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.#server = server;
  }
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let db: TestDatabase;
let relay: Relay;
let t: TestServer;
beforeAll(async () => {
  db = await createTestDatabase();
  const url = new URL(db.url);
  const socketDir = url.searchParams.get('host') ?? '';
  relay = new Relay(`${socketDir}/.s.PGSQL.${url.port || '5432'}`);
  await relay.open();
  const relayed = `postgresql://${url.username}@127.0.0.1:${relay.port}${url.pathname}`;
  t = await startTestServer({ config: { databaseUrl: relayed } });
});
afterAll(async () => {
  // The store closes its pool through the relay.
  await relay?.open();
  await t?.close();
  await relay?.cut();
  await db?.drop();
});

it('answers 503 unavailable with Retry-After while the database is unreachable, and recovers', async () => {
  const alice = await createUser(t.api(), 'alice');
  const vaultId = await createVault(alice);
  const recordId = newHexId();
  const push = await newRecordPush(vaultId, recordId);

  await relay.cut();
  for (const res of [
    await alice.api.get(`/v1/vaults/${vaultId}`),
    await alice.api.post(`/v1/vaults/${vaultId}/push`, push),
  ]) {
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'unavailable' });
    expect(res.body.detail).toContain('cannot reach its database');
    expect(res.headers['retry-after']).toBe('5');
  }
  expect((await t.api().get('/readyz')).status).toBe(503);

  await relay.open();
  const again = await alice.api.post(`/v1/vaults/${vaultId}/push`, push);
  expect(again.status).toBe(200);
  const pull = await alice.api.get(`/v1/vaults/${vaultId}/changes`);
  expect(pull.body.changes).toEqual([expect.objectContaining({ recordId, seq: 1 })]);
});
