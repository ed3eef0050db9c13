/**
 * Upgrade in place on PostgreSQL from the build of 2026-11-28
 * (fixtures/old-2026-11-28-postgres: a pg_dump of the database coffer-server
 * e0485d3 wrote, schema 1): the CURRENT server migrates it, the old
 * accounts log in on new devices and every record pulls, new writes (some
 * replacing rows the old server wrote) land, and once migrated the database
 * is refused by a server that is older than it, with nothing changed: as
 * the SQLite rollback test does (apps/server/test/process/rollback.test.ts).
 * The fixture's accounts use the throwaway passphrase 'skew test passphrase'.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CofferServer, SERVER_BIN, startCofferServer } from '@coffer/test-harness';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDirSync } from '../../../tooling/test-temp.ts';
import { type CliDevice, newCliDevice } from '../src/cli.ts';
import { OLD_FIXTURE_PASSPHRASE } from '../src/old-build.ts';
import { type PostgresCluster, startPostgresCluster } from '../src/postgres-cluster.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/old-2026-11-28-postgres/', import.meta.url));
const facts = JSON.parse(readFileSync(join(FIXTURE, 'made.json'), 'utf8')) as {
  schemaVersion: number;
  vaults: Array<{ name: string; vaultId: string }>;
};
const DB = 'coffer_old';

let pg: PostgresCluster;
let server: CofferServer;
// The old accounts on new devices, logged in once (each login runs Argon2id at 64 MiB).
let alice: CliDevice;
let bob: CliDevice;

function sql(query: string): string {
  return pg.psql(DB, ['-At', '-c', query]).trim();
}

async function ok(device: CliDevice, args: string[]): Promise<string> {
  const r = await device.run(args);
  expect(r.code, `coffer ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout.toString();
}

async function loggedInDevice(username: string): Promise<CliDevice> {
  const device = await newCliDevice(OLD_FIXTURE_PASSPHRASE);
  await ok(device, [
    'login',
    ...['--server', server.url, '--username', username],
    ...['--pin', server.certificate.fingerprint256],
  ]);
  const synced = await device.run(['sync']);
  expect(synced.code, synced.stderr).toBe(0);
  expect(synced.stderr).toBe('');
  return device;
}

async function keys(device: CliDevice, vault: string): Promise<string[]> {
  const listed = JSON.parse(await ok(device, ['--json', 'ls', vault])) as {
    keys: Array<{ name: string }>;
  };
  return listed.keys.map((k) => k.name);
}

beforeAll(async () => {
  pg = startPostgresCluster();
  pg.psql('postgres', ['-c', `CREATE DATABASE ${DB}`]);
  pg.psql(DB, ['-f', join(FIXTURE, 'server.sql')]);
  server = await startCofferServer({
    tempPrefix: 'coffer-e2e-old-postgres-',
    databaseUrl: pg.url(DB),
  });
  // Made outside a test, so their profiles outlive it (and the later tests use them).
  alice = await loggedInDevice('alice');
  bob = await loggedInDevice('bob');
});

afterAll(async () => {
  await server?.dispose();
  pg?.stop();
});

describe('the current server on the old server’s PostgreSQL database', () => {
  test('migrates the schema in place and keeps every account, vault and record', () => {
    expect(facts.schemaVersion).toBe(1);
    expect(Number(sql('SELECT max(version) FROM schema_version'))).toBeGreaterThan(1);
    expect(sql("SELECT string_agg(username, ',' ORDER BY username) FROM accounts")).toBe(
      'alice,bob,carol',
    );
    // ops: vault name, db/password, note, gone (a tombstone), from/bob, from/carol, epoch2;
    // personal: vault name, pin.
    expect(sql('SELECT count(*) FROM records WHERE envelope IS NOT NULL')).toBe('8');
    expect(sql('SELECT count(*) FROM records WHERE envelope IS NULL')).toBe('1');
  });

  test('old accounts log in on new devices and every record pulls', async () => {
    const list = JSON.parse(await ok(alice, ['--json', 'vault', 'list'])) as {
      vaults: Array<{ name: string; vaultId: string }>;
    };
    expect(list.vaults.map((v) => ({ name: v.name, vaultId: v.vaultId }))).toEqual(
      facts.vaults.map((v) => ({ name: v.name, vaultId: v.vaultId })),
    );
    expect(await keys(alice, 'ops')).toEqual([
      'db/password',
      'epoch2',
      'from/bob',
      'from/carol',
      'note',
    ]);
    expect(await keys(alice, 'personal')).toEqual(['pin']);
    expect(await ok(alice, ['get', 'ops', 'db/password'])).toBe('hunter2');
    expect(await ok(alice, ['get', 'ops', 'note'])).toBe('first note');
    expect(await ok(alice, ['get', 'ops', 'epoch2'])).toBe('after the rotation');
    expect(await ok(alice, ['get', 'personal', 'pin'])).toBe('1234');

    expect(await keys(bob, 'ops')).toEqual([
      'db/password',
      'epoch2',
      'from/bob',
      'from/carol',
      'note',
    ]);
    expect(await ok(bob, ['get', 'ops', 'from/bob'])).toBe('written by bob');
    // carol's write was re-sealed by alice under epoch 2 when she was removed.
    expect(await ok(bob, ['get', 'ops', 'from/carol'])).toBe('written by carol before her removal');

    // carol was removed from ops: she logs in and sees no vault.
    const carol = await loggedInDevice('carol');
    const carolVaults = JSON.parse(await ok(carol, ['--json', 'vault', 'list'])) as {
      vaults: unknown[];
    };
    expect(carolVaults.vaults).toEqual([]);
  });

  test('writes land, replacing rows the old server wrote, and reach the other member', async () => {
    await ok(bob, ['put', 'ops', 'note', 'changed after the upgrade']);
    await ok(bob, ['rm', 'ops', 'from/bob']);
    await ok(bob, ['put', 'ops', 'after/upgrade', 'new row']);
    await ok(bob, ['sync']);
    await ok(alice, ['sync']);
    expect(await ok(alice, ['get', 'ops', 'note'])).toBe('changed after the upgrade');
    expect(await ok(alice, ['get', 'ops', 'after/upgrade'])).toBe('new row');
    expect(await keys(alice, 'ops')).not.toContain('from/bob');
  });
});

describe('rolling back after the upgrade', () => {
  test('a server older than the database refuses it and changes nothing', async () => {
    await server.stop();
    const current = Number(sql('SELECT max(version) FROM schema_version'));
    // What this server is to the next release: one migration behind.
    sql(`INSERT INTO schema_version (version, applied_at) VALUES (${current + 1}, 0)`);
    const before = pg.dump(DB);
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('COFFER_')) env[k] = v;
    const run = spawnSync(
      process.execPath,
      [SERVER_BIN, '--data-dir', tempDirSync('coffer-e2e-rollback-'), '--port', '0'],
      { encoding: 'utf8', timeout: 60_000, env: { ...env, COFFER_DATABASE_URL: pg.url(DB) } },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `coffer-server: cannot start: database schema version ${current + 1} is newer than this server (${current}): it was written by a newer coffer-server; run that version or a newer one on it (nothing was changed)\n`,
    );
    expect(pg.dump(DB)).toBe(before);
    // Back to this server's version: it opens the database as before.
    sql(`DELETE FROM schema_version WHERE version = ${current + 1}`);
    await server.start();
    await ok(bob, ['put', 'ops', 'after/restart', 'still here']);
    await ok(bob, ['sync']);
    await ok(alice, ['sync']);
    expect(await ok(alice, ['get', 'ops', 'after/restart'])).toBe('still here');
  });
});
