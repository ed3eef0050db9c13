// Model test over the real server: random operations on three devices with
// random disconnects; once everyone is back online and has synced, all
// replicas are equal, nothing is left unpushed, and the last write of every
// name survives (earlier ones superseded or kept as conflict copies).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTlsFetch } from '../../src/node.ts';
import { expectLastPutsKept, type LastOp } from '../model-oracle.ts';
import { device, type TestDevice, username, values } from './clients.ts';
import { startTestServer, type TestServer } from './server.ts';

type Op =
  | { kind: 'put'; client: number; name: string; value: number }
  | { kind: 'delete'; client: number; name: string }
  | { kind: 'online'; client: number; online: boolean }
  | { kind: 'sync'; client: number };

const client = fc.integer({ min: 0, max: 2 });
const name = fc.constantFrom('a', 'b', 'c');
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('put' as const), client, name, value: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), client, name }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('online' as const), client, online: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const), client }) },
);

/** A clock the test moves, so "last write" is unambiguous across devices. */
const clock = { t: Date.now(), now: () => clock.t };

let server: TestServer;
let devices: Array<TestDevice & { online: boolean }>;

beforeAll(async () => {
  server = await startTestServer();
  const user = username('model');
  const passphrase = 'correct horse battery staple';
  devices = [];
  for (let i = 0; i < 3; i++) {
    const pinned = createTlsFetch({ pinSha256: server.pinSha256 });
    const slot = { online: true };
    // A disconnect: every request fails like an unreachable network.
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      slot.online
        ? pinned(input, init)
        : Promise.reject(new TypeError('offline'))) as typeof globalThis.fetch;
    const d = device(server, { fetch, clock, pullPage: 2, pushBatch: 2 });
    // Three logins of one account stay within the server's per-user auth rate limit.
    if (i === 0) await d.client.accounts.signup(user, passphrase);
    await d.client.accounts.login(user, passphrase);
    devices.push(
      Object.assign(d, slot, {
        get online() {
          return slot.online;
        },
        set online(v: boolean) {
          slot.online = v;
        },
      }),
    );
  }
});
afterAll(async () => {
  for (const d of devices) await d.client.close();
  await server.dispose();
});

// `size: 'max'`: fast-check's default size caps arrays at about 10 operations
// whatever maxLength says.
describe('sync model over HTTPS (fast-check)', () => {
  it('three devices with random disconnects converge with nothing lost', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 20, size: 'max' }), async (ops) => {
        const { vaultId } = await devices[0]!.client.vaults.create();
        let unique = 0;
        const last = new Map<string, LastOp>();
        const written = new Set<string>();
        for (const o of ops) {
          clock.t += 1_000;
          const d = devices[o.client]!;
          if (o.kind === 'put') {
            const value = `${o.value}-${unique++}`;
            await d.client.records.put(vaultId, o.name, value);
            last.set(o.name, { kind: 'put', value });
            written.add(value);
          } else if (o.kind === 'delete') {
            if (await d.client.records.get(vaultId, o.name)) last.set(o.name, { kind: 'delete' });
            await d.client.records.delete(vaultId, o.name);
          } else if (o.kind === 'online') {
            d.online = o.online;
          } else {
            await d.client.sync(vaultId);
          }
        }
        for (const d of devices) d.online = true;
        clock.t += 1_000_000;
        for (let round = 0; round < 3; round++) {
          for (const d of devices) await d.client.sync(vaultId);
        }
        const views = await Promise.all(devices.map((d) => values(d, vaultId)));
        expect(views[1]).toEqual(views[0]);
        expect(views[2]).toEqual(views[0]);
        for (const d of devices) {
          expect((await d.store.listOutbox({ vaultId })).length).toBe(0);
          expect(d.errors).toEqual([]);
        }
        const final = views[0]!;
        for (const v of Object.values(final)) expect(written.has(v as string)).toBe(true);
        const copies = (
          await Promise.all(devices.map((d) => d.client.conflicts.list<string>(vaultId)))
        ).flat();
        for (const copy of copies) if (!copy.deleted) expect(written.has(copy.value!)).toBe(true);
        expectLastPutsKept(last, final, copies);
      }),
      { numRuns: 8 },
    );
  });
});
