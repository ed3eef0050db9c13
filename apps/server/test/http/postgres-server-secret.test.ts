/**
 * Instances on one PostgreSQL answer prelogin for an unknown username alike
 * without being given --server-secret: the secret lives in the database
 * (schema 6). With a secret file per instance, each invented another fake
 * salt for a name nobody has, while a real account's salt was the same
 * everywhere: two requests through a load balancer told who has an account.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let db: TestDatabase;
const servers: TestServer[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await db?.drop();
});

async function instance(config: Record<string, unknown> = {}): Promise<TestServer> {
  const s = await startTestServer({ config: { databaseUrl: db.url, ...config } });
  servers.push(s);
  return s;
}

async function fakeSalt(s: TestServer, username: string): Promise<string> {
  const res = await s.api().post('/v1/auth/prelogin', { username });
  expect(res.status).toBe(200);
  return res.body.kdf.salt as string;
}

describe('the server secret on PostgreSQL', () => {
  it('is shared by every instance, the first one’s existing secret file kept', async () => {
    // The first instance was already running before: its file's secret stays the key.
    const dataDir = tempDirSync('coffer-secret-first-');
    const secret = randomBytes(32).toString('hex');
    writeFileSync(join(dataDir, 'server-secret'), `${secret}\n`, { mode: 0o600 });
    // Plain HTTP: the harness reads the certificate from a data dir of its own making.
    const first = await instance({ dataDir, insecureHttp: true });
    const second = await instance();
    const third = await instance();
    const ghost = `ghost-${randomBytes(4).toString('hex')}`;
    const salt = await fakeSalt(first, ghost);
    expect(await fakeSalt(second, ghost)).toBe(salt);
    expect(await fakeSalt(third, ghost)).toBe(salt);
    // The same as a server told that secret outright (an explicit one wins over the database's).
    const told = await instance({ serverSecret: secret });
    expect(await fakeSalt(told, ghost)).toBe(salt);
  });
});
