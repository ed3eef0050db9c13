/**
 * SIGTERM while several writers push at once (so pushes are group-committed
 * on SQLite, some of them waiting for the fsync of the group before) and a
 * live stream is open: the server exits 0, and after a restart every push it
 * acknowledged is there, in a gapless sequence. What it refused (503 while
 * draining, or a connection it no longer accepts) was never acknowledged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { createUser, createVault, login, newHexId, newRecordPush } from '../support/accounts.ts';
import { buildBinary, spawnServer } from '../support/spawn-server.ts';
import { openEvents, seqAtLeast } from '../support/sse.ts';

beforeAll(() => buildBinary());

describe('SIGTERM under concurrent pushes', () => {
  it('loses nothing it acknowledged', async () => {
    const dataDir = tempDirSync('coffer-shutdown-load-');
    const server = await spawnServer(['--data-dir', dataDir, '--log-level', 'warn']);
    const alice = await createUser(server.api(), 'alice');
    const vaultId = await createVault(alice);
    const events = await openEvents(alice.api, `/v1/vaults/${vaultId}/events`);
    await events.waitFor(seqAtLeast(0));

    const acknowledged: string[] = [];
    let refused = 0;
    let signalled = false;
    let stopWriters = false;
    const writer = async (): Promise<void> => {
      while (!stopWriters) {
        const recordId = newHexId();
        const body = await newRecordPush(vaultId, recordId);
        try {
          const res = await alice.api.post(`/v1/vaults/${vaultId}/push`, body);
          if (res.status === 200 && res.body.results[0].status === 'applied') {
            acknowledged.push(recordId);
          } else {
            expect(res.status).toBe(503);
            refused++;
          }
        } catch {
          // Connection refused or closed once the listener is gone: not acknowledged.
          refused++;
        }
        if (!signalled && acknowledged.length >= 20) {
          signalled = true;
          server.child.kill('SIGTERM');
        }
      }
    };
    const writers = Array.from({ length: 6 }, () => writer());
    const code = await server.exited;
    stopWriters = true;
    await Promise.all(writers);
    await events.ended;
    expect(code).toBe(0);
    expect(acknowledged.length).toBeGreaterThanOrEqual(20);
    expect(refused).toBeGreaterThan(0);

    const again = await spawnServer(['--data-dir', dataDir, '--log-level', 'warn']);
    try {
      const session = await login(again.api(), alice.username, alice.loginSeed);
      const pulled = await again
        .api(session.body.token)
        .get(`/v1/vaults/${vaultId}/changes?cursor=0&limit=1000`);
      const changes = pulled.body.changes as Array<{ recordId: string; seq: number }>;
      expect(changes.map((c) => c.seq)).toEqual(changes.map((_, i) => i + 1));
      const stored = new Set(changes.map((c) => c.recordId));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      await again.stop();
      await server.dispatcher.close();
    }
  });
});
