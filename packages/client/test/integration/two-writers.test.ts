// Two Node processes on one SQLite replica (cluster workers of a service, or
// a service beside a script), both writing and pushing to the real server at
// once. Every write each one acknowledged must reach the server, and one
// device's own versions must never turn into conflict copies.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { startChildJob } from './child-job.ts';
import { signedUp } from './clients.ts';
import { startTestServer, type TestServer } from './server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

const CHILD = fileURLToPath(new URL('./two-writers-child.ts', import.meta.url));
const KEYS = 4;
const VERSIONS = 30;

async function writer(job: Record<string, unknown>): Promise<string> {
  const run = startChildJob(CHILD, job);
  const { code } = await run.exited;
  if (code !== 0) throw new Error(`writer ${job.prefix} exited ${code}: ${run.err()}`);
  return run.out();
}

describe('two processes on one SQLite replica', () => {
  it('write and push at once: the server ends with every last version, and no conflict copy', async () => {
    const owner = await signedUp(server, 'two-writers');
    const { vaultId } = await owner.client.vaults.create();
    const replica = join(tempDirSync('coffer-shared-replica-'), 'replica.sqlite3');
    const job = {
      serverUrl: server.url,
      pinSha256: server.pinSha256,
      replica,
      username: owner.username,
      passphrase: owner.passphrase,
      vaultId,
      keys: KEYS,
      versions: VERSIONS,
    };
    const outputs = await Promise.all([
      writer({ ...job, prefix: 'a' }),
      writer({ ...job, prefix: 'b' }),
    ]);
    expect(outputs).toEqual(['finished 0\n', 'finished 0\n']);
    // Another device sees the last version of every key.
    await owner.client.sync(vaultId);
    const values = new Map(
      (await owner.client.records.list(vaultId)).map((r) => [r.name, r.value]),
    );
    for (const prefix of ['a', 'b'])
      for (let k = 0; k < KEYS; k++)
        expect(values.get(`${prefix}-${k}`)).toBe(`${prefix}-${k}-v${VERSIONS}`);
    // The shared replica itself (read as a file: a third login would hit the
    // server's login rate limit): nothing pending, no conflict copy.
    const shared = SqliteStore.open(replica);
    try {
      expect(await shared.countOutbox()).toBe(0);
      expect(await shared.listConflicts()).toEqual([]);
    } finally {
      await shared.close();
    }
    expect(await owner.client.conflicts.list(vaultId)).toEqual([]);
  });
});
