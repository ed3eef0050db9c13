/**
 * A full disk: every write is answered 503 `unavailable` with Retry-After,
 * the log gets one line per 30 s window (with a count), not a stack trace per
 * request, /readyz is not ready while it lasts, and once space is back and
 * the window has passed everything serves again with nothing lost. The
 * store is the real SQLite one; only its writes fail, with the error SQLite
 * itself raises (SQLITE_FULL), while `full` is set.
 */
import { SqliteError } from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { STORE_TROUBLE_WINDOW_MS } from '../../src/http/store-health.ts';
import type { Store } from '../../src/storage/contract.ts';
import { createUser, createVault, newHexId, newRecordPush } from '../support/accounts.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let full = false;
const WRITES = new Set<string | symbol>(['pushMutations', 'createVault', 'touchSession']);

/** The real store, whose writes fail as on a full disk while `full` is set. */
function fullDiskWhenAsked(store: Store): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (full && WRITES.has(name))
          return Promise.reject(new SqliteError('database or disk is full', 'SQLITE_FULL'));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ overrides: { wrapStore: fullDiskWhenAsked } });
});
afterAll(() => t?.close());

it('answers 503 with Retry-After, logs one line per window without stacks, is not ready, then recovers', async () => {
  const alice = await createUser(t.api(), 'alice');
  const vaultId = await createVault(alice);
  const recordId = newHexId();
  const push = await newRecordPush(vaultId, recordId);
  const logsBefore = t.logs.length;

  full = true;
  for (let i = 0; i < 3; i++) {
    const res = await alice.api.post(`/v1/vaults/${vaultId}/push`, push);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('60');
    expect(res.body).toMatchObject({ code: 'unavailable' });
    expect(res.body.detail).toContain('out of storage space');
  }
  // Reads still work on a full disk.
  expect((await alice.api.get(`/v1/vaults/${vaultId}/changes`)).status).toBe(200);
  const ready = await t.api().get('/readyz');
  expect(ready.status).toBe(503);
  expect(ready.headers['retry-after']).toBe('30');

  const troubleLines = t.logs.slice(logsBefore).filter((l) => l.includes('storeTrouble'));
  expect(troubleLines).toHaveLength(1);
  expect(JSON.parse(troubleLines[0]!)).toMatchObject({
    storeTrouble: 'out_of_space',
    refusedSinceLastLine: 0,
  });
  expect(t.logs.slice(logsBefore).join('\n')).not.toMatch(/"stack"|SqliteError|\n\s+at /);

  // A later window logs again, counting the requests refused in between.
  t.clock.now += STORE_TROUBLE_WINDOW_MS;
  expect((await alice.api.post(`/v1/vaults/${vaultId}/push`, push)).status).toBe(503);
  const again = t.logs.slice(logsBefore).filter((l) => l.includes('storeTrouble'));
  expect(again).toHaveLength(2);
  expect(JSON.parse(again[1]!)).toMatchObject({ refusedSinceLastLine: 2 });

  // Space is back: ready once the window has passed, and the push lands (nothing half-written).
  full = false;
  expect((await t.api().get('/readyz')).status).toBe(503);
  t.clock.now += STORE_TROUBLE_WINDOW_MS;
  expect((await t.api().get('/readyz')).status).toBe(200);
  expect((await alice.api.post(`/v1/vaults/${vaultId}/push`, push)).status).toBe(200);
  const pull = await alice.api.get(`/v1/vaults/${vaultId}/changes`);
  expect(pull.body.changes).toEqual([expect.objectContaining({ recordId, seq: 1 })]);
});
