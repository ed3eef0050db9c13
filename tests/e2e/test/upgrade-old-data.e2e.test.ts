/**
 * Upgrade in place from the builds of 2026-11-28 (fixtures/old-2026-11-28):
 * the CURRENT server opens the database the old server wrote (schema
 * migration), its accounts log in and its records pull on a new device; the
 * CURRENT CLI takes over the old CLI's profile (replica, sealed account,
 * server session) and pushes the writes the old CLI queued while offline.
 * The fixture's accounts all use the throwaway passphrase 'skew test passphrase'.
 */
import type { CofferServer } from '@coffer/test-harness';
import { withServerSqlite } from '@coffer/test-harness';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CliDevice, newCliDevice } from '../src/cli.ts';
import {
  OLD_FIXTURE_PASSPHRASE,
  oldFixtureFacts,
  restoreOldProfile,
  startServerOnOldData,
} from '../src/old-build.ts';

let server: CofferServer;
const facts = oldFixtureFacts();

async function ok(device: CliDevice, args: string[]): Promise<string> {
  const r = await device.run(args);
  expect(r.code, `coffer ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout.toString();
}

async function value(device: CliDevice, vault: string, key: string): Promise<string> {
  return ok(device, ['get', vault, key]);
}

async function missing(device: CliDevice, vault: string, key: string): Promise<void> {
  const r = await device.run(['get', vault, key]);
  expect(r.code, `get ${vault} ${key}: ${r.stderr}`).toBe(4);
}

beforeAll(async () => {
  server = await startServerOnOldData();
});

afterAll(() => server?.dispose());

/** A new CLI profile logged in to the upgraded server as `username` (the fixtures' passphrase). */
async function loggedInDevice(username: string): Promise<CliDevice> {
  const device = await newCliDevice(OLD_FIXTURE_PASSPHRASE);
  await ok(device, [
    'login',
    '--server',
    server.url,
    '--username',
    username,
    '--pin',
    server.certificate.fingerprint256,
  ]);
  return device;
}

describe('the current server on the old server’s database', () => {
  test('migrates the schema and keeps every account, vault and record', () => {
    const counts = withServerSqlite(server.dataDir, (db) => ({
      schema: (db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number }).v,
      accounts: db.prepare('SELECT username FROM accounts ORDER BY username').pluck().all(),
      vaults: db.prepare('SELECT count(*) FROM vaults').pluck().get(),
      records: db.prepare('SELECT count(*) FROM records').pluck().get(),
    }));
    // The old server stopped at schema 1; the current one migrates past it.
    expect(counts.schema).toBeGreaterThan(1);
    expect(counts.accounts).toEqual(['alice', 'bob', 'carol']);
    expect(counts.vaults).toBe(2);
    // ops: vault name, db/password, note, gone (a tombstone), from/bob, from/carol, epoch2;
    // personal: name, pin.
    expect(counts.records).toBe(9);
  });

  test('an old account logs in on a new device and pulls what the old clients wrote', async () => {
    const bob = await loggedInDevice('bob');
    const synced = await bob.run(['sync']);
    expect(synced.code, synced.stderr).toBe(0);
    // carol's record is still signed by carol, whom the old CLI removed without
    // re-sealing her writes: a device that never verified it refuses it (a
    // removed member holds the old key) until a current member re-seals it.
    expect(synced.stderr).toMatch(/1 record withheld.*signer_untrusted/s);
    await missing(bob, 'ops', 'from/carol');
    const list = JSON.parse(await ok(bob, ['--json', 'vault', 'list'])) as {
      vaults: Array<{ name: string; vaultId: string; role: string }>;
    };
    const ops = facts.vaults.find((v) => v.name === 'ops');
    expect(list.vaults).toEqual([{ name: 'ops', vaultId: ops?.vaultId, role: 'writer' }]);
    expect(await value(bob, 'ops', 'db/password')).toBe('hunter2');
    expect(await value(bob, 'ops', 'from/bob')).toBe('written by bob');
    // Sealed under epoch 2 (carol's removal) by the old CLI.
    expect(await value(bob, 'ops', 'epoch2')).toBe('after the rotation');
    await missing(bob, 'ops', 'gone');
  });
});

describe('the current CLI on the old CLI’s profile', () => {
  let alice: CliDevice;

  beforeAll(async () => {
    alice = await restoreOldProfile('alice', server);
  });

  test('reads the old replica offline and counts the old outbox', async () => {
    const status = JSON.parse(await ok(alice, ['--json', 'status'])) as Record<string, unknown>;
    expect(status).toMatchObject({
      loggedIn: true,
      username: 'alice',
      server: server.url,
      pending: 3,
      conflicts: 0,
      withheld: 0,
    });
    // Answered from the replica the old CLI wrote (its vault keys, its records).
    expect(await value(alice, 'ops', 'db/password')).toBe('hunter2');
    expect(await value(alice, 'personal', 'pin')).toBe('5678');
  });

  test('pushes the writes the old CLI queued offline, on the old server session, and re-seals what the old CLI left under the old key', async () => {
    const synced = await alice.run(['--json', 'sync']);
    expect(synced.code, synced.stderr).toBe(0);
    expect(JSON.parse(synced.stdout.toString())).toMatchObject({ pending: 0, conflicts: 0 });
    expect(synced.stderr).toBe('');
    // A device that never saw the old files gets the old CLI's offline writes.
    const fresh = await loggedInDevice('alice');
    await ok(fresh, ['sync']);
    expect(await value(fresh, 'ops', 'pending/key')).toBe('written offline by the old cli');
    expect(await value(fresh, 'personal', 'pin')).toBe('5678');
    await missing(fresh, 'ops', 'note');
    expect(await value(fresh, 'ops', 'from/bob')).toBe('written by bob');
    // Re-sealed by alice (a current member) under epoch 2: readable everywhere now.
    expect(await value(fresh, 'ops', 'from/carol')).toBe('written by carol before her removal');
  });

  test('keeps working: writes, and a removal that re-seals the old records', async () => {
    await ok(alice, ['put', 'ops', 'after/upgrade', 'new cli, old profile']);
    const removed = JSON.parse(await ok(alice, ['--json', 'vault', 'remove', 'ops', 'bob'])) as {
      epoch: number;
      reencrypted: number;
    };
    expect(removed.epoch).toBe(3);
    // Every older record, the old CLI's included, re-sealed under epoch 3.
    expect(removed.reencrypted).toBeGreaterThanOrEqual(5);
    const fresh = await loggedInDevice('alice');
    const synced = await fresh.run(['sync']);
    expect(synced.code, synced.stderr).toBe(0);
    expect(synced.stderr).toBe('');
    expect(await value(fresh, 'ops', 'from/bob')).toBe('written by bob');
    expect(await value(fresh, 'ops', 'epoch2')).toBe('after the rotation');
    expect(await value(fresh, 'ops', 'after/upgrade')).toBe('new cli, old profile');
    expect(await value(fresh, 'ops', 'from/carol')).toBe('written by carol before her removal');
  });
});
