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
import { LATE_CREATE_MS } from '../../src/sync/late-create.ts';
import { accountOnThreeDevices, values } from './clients.ts';
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
function refused(pinned: typeof fetch, input: RequestInfo | URL, init?: RequestInit) {
  const url = new URL(input instanceof Request ? input.url : String(input));
  url.port = String(closedPort);
  return pinned(url, init);
}

describe('a create made offline, pushed after another life of the record was deleted and purged', () => {
  it('reaches the device that still held the deleted life', async () => {
    const ds = await accountOnThreeDevices(server, { prefix: 'late', clock, offline: refused });
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
