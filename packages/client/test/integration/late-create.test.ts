// Over the real server: a record created on a device that was offline (its
// pushes failed to connect: ECONNREFUSED, for real), while another device of
// the account created the same name later, a third pulled that, and it was
// deleted and the deletion purged. The server takes the offline create as a
// new life of the record. The third device still holds the deleted life,
// whose edit time is later than the create's: before `sealedAt`, its full
// resync refused the create for good as an older envelope replayed
// (revision_rollback) and it kept showing the deleted version. Now the
// create is sealed again when it is first sent, and every device ends with it.
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTlsFetch } from '../../src/node.ts';
import { LATE_CREATE_MS } from '../../src/sync/late-create.ts';
import { device, type TestDevice, username, values } from './clients.ts';
import { startTestServer, type TestServer } from './server.ts';

const clock = { t: Date.now(), now: () => clock.t };

let server: TestServer;
/** A port nothing listens on (taken from the system, then closed). */
let closedPort: number;
beforeAll(async () => {
  server = await startTestServer();
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedPort = (probe.address() as AddressInfo).port;
  probe.close();
  await once(probe, 'close');
});
afterAll(async () => {
  await server.dispose();
});

/** Requests of an offline device go to a port nothing listens on: a real ECONNREFUSED. */
function switchable(pinned: typeof fetch, net: { online: boolean }): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) => {
    if (net.online) return pinned(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    url.port = String(closedPort);
    return pinned(url, init);
  }) as typeof fetch;
}

async function devices() {
  const user = username('late');
  const passphrase = 'correct horse battery staple';
  const out: Array<TestDevice & { net: { online: boolean } }> = [];
  for (let i = 0; i < 3; i++) {
    const net = { online: true };
    const fetch = switchable(createTlsFetch({ pinSha256: server.pinSha256 }), net);
    const d = device(server, { fetch, clock });
    if (i === 0) await d.client.accounts.signup(user, passphrase);
    await d.client.accounts.login(user, passphrase);
    out.push(Object.assign(d, { net }));
  }
  return out as [(typeof out)[0], (typeof out)[0], (typeof out)[0]];
}

describe('a create made offline, pushed after another life of the record was deleted and purged', () => {
  it('reaches the device that still held the deleted life', async () => {
    const ds = await devices();
    const [a, b, c] = ds;
    const tick = () => {
      clock.t += 1_000;
    };
    const { vaultId } = await a.client.vaults.create();
    try {
      await b.client.sync(vaultId);
      await c.client.sync(vaultId);
      c.net.online = false;
      tick();
      await c.client.records.put(vaultId, 'doc', 'written offline');
      await c.client.sync(vaultId).catch(() => {});
      // Its push could not connect: still unsent, so it may be sealed again.
      expect((await c.store.listOutbox({ vaultId })).map((e) => e.attempts)).toEqual([0]);

      tick();
      await a.client.records.put(vaultId, 'doc', 'another life');
      await a.client.sync(vaultId);
      await b.client.sync(vaultId);
      expect(await values(b, vaultId)).toEqual({ doc: 'another life' });
      tick();
      await a.client.records.delete(vaultId, 'doc');
      await a.client.sync(vaultId);
      await server.stop();
      server.purgeTombstones(vaultId);
      await server.start();
      clock.t += 24 * 3600 * 1000; // a server keeps deletions a day at least
      expect(24 * 3600 * 1000).toBeGreaterThan(LATE_CREATE_MS);

      c.net.online = true;
      await c.client.sync(vaultId);
      for (let round = 0; round < 2; round++) for (const d of ds) await d.client.sync(vaultId);
      for (const d of ds) {
        expect(await values(d, vaultId)).toEqual({ doc: 'written offline' });
        expect(d.errors).toEqual([]);
        expect(await d.store.listOutbox({ vaultId })).toEqual([]);
      }
      // Its edit time is still when it was written: sealing again moved only sealedAt.
      const entry = await b.client.records.get(vaultId, 'doc');
      expect(entry?.updatedAt).toBeLessThan(clock.t - 24 * 3600 * 1000);
    } finally {
      for (const d of ds) await d.client.close();
    }
  });
});
