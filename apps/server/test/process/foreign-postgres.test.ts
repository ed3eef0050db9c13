/**
 * A PostgreSQL database that another application already uses (tables in
 * the schema coffer would write to, no schema_version) is refused in one
 * line, by the store and by the built server, and left as it was: no coffer
 * table is added beside the other application's.
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { openPostgresStore } from '../../src/storage/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { BINARY, buildBinary } from '../support/spawn-server.ts';

const databases: TestDatabase[] = [];
beforeAll(() => buildBinary());
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh database holding one table of another application. */
async function foreignDatabase(): Promise<string> {
  const db = await createTestDatabase();
  databases.push(db);
  await withClient(db.url, (c) =>
    c.query("CREATE TABLE invoices (body text); INSERT INTO invoices VALUES ('not coffer data')"),
  );
  return db.url;
}

const tablesOf = (url: string) =>
  withClient(url, async (c) => {
    const { rows } = await c.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    return rows.map((r) => r.table_name);
  });

describe('a PostgreSQL database another application uses', () => {
  it('is refused by the store, naming the schema and its tables, and left as it was', async () => {
    const url = await foreignDatabase();
    await expect(openPostgresStore({ databaseUrl: url })).rejects.toThrow(
      'not a coffer-server database: schema "public" holds other tables (invoices) and no schema_version',
    );
    expect(await tablesOf(url)).toEqual(['invoices']);
  });

  it('is refused by the built server in one line, without a stack trace', async () => {
    const url = await foreignDatabase();
    // The data directory still holds the TLS certificate; the records would go to PostgreSQL.
    const dataDir = tempDirSync('coffer-foreign-pg-');
    const args = [BINARY, '--database-url', url, '--data-dir', dataDir, '--port', '0'];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^coffer-server: cannot start: .*not a coffer-server database: schema "public" holds other tables \(invoices\) and no schema_version; .*\(nothing was changed\)\n$/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(await tablesOf(url)).toEqual(['invoices']);
  });

  it('an empty database is filled, and a coffer one reopens (the check is not in the way)', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const first = await openPostgresStore({ databaseUrl: db.url });
    await first.close();
    const again = await openPostgresStore({ databaseUrl: db.url });
    await again.close();
    expect(await tablesOf(db.url)).toContain('schema_version');
  });
});
