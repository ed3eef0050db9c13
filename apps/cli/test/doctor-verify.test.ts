/**
 * `coffer doctor --verify` through the built binary: every envelope of the
 * replica is opened with the account's keys; a flipped byte inside one (which
 * SQLite's integrity check cannot see) fails it with exit 8, named by record
 * id, and nothing of a name or value is printed.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectFailure, json } from './helpers/cli.ts';
import { type Device, newDevice } from './helpers/device.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let erin: Device;
const BIG_VALUE = `the-big-secret-value-${'x'.repeat(10_000)}`;

beforeAll(async () => {
  server = await startTestServer();
  erin = await newDevice('erin passphrase for doctor');
  await erin.ok(['signup', '--server', server.url, '-u', 'erin', '--pin', server.fingerprint]);
  await erin.unlock();
  await erin.ok(['vault', 'create', 'infra']);
  await erin.ok(['put', 'infra', 'small-key-name', 'small-secret-value']);
  await erin.ok(['put', 'infra', 'big-key-name', BIG_VALUE]);
  await erin.ok(['rm', 'infra', 'small-key-name']);
});
afterAll(() => server.stop());

it('opens every envelope of the replica and says so per vault', async () => {
  const doc = json(await erin.ok(['--json', 'doctor', '--verify']));
  expect(doc.healthy).toBe(true);
  expect(doc.checks).toContainEqual({
    name: 'verify',
    status: 'ok',
    detail: 'all 2 envelope(s) in 1 vault(s) open with your keys',
  });
  // The name record and big-key-name open; small-key-name is a deletion.
  expect(doc.verify).toEqual([
    { vault: 'infra', vaultId: expect.any(String), opened: 2, failed: [], tombstones: 1 },
  ]);
  // The built binary found the protocol's native addon (the fast path its benchmarks measure).
  expect(doc.checks).toContainEqual({
    name: 'crypto',
    status: 'ok',
    detail: 'native AES-GCM and HKDF (the OpenSSL inside Node)',
  });
  const text = await erin.ok(['doctor', '--verify']);
  expect(text.stdout).toMatch(/^ok {4}verify {8}all 2 envelope/m);
  expect(text.stdout).toMatch(/^ {20}infra: 2 open$/m);
});

it('a flipped byte inside an envelope fails the check (exit 8), by record id, with no plaintext', async () => {
  const db = new Database(join(erin.home, 'replica.sqlite'));
  const row = db
    .prepare(
      'SELECT vault_id, record_id, envelope FROM records WHERE envelope IS NOT NULL ORDER BY length(envelope) DESC LIMIT 1',
    )
    .get() as { vault_id: string; record_id: string; envelope: Buffer };
  const flipped = Buffer.from(row.envelope);
  flipped[flipped.length - 200]! ^= 0x01;
  db.prepare('UPDATE records SET envelope = ? WHERE vault_id = ? AND record_id = ?').run(
    flipped,
    row.vault_id,
    row.record_id,
  );
  db.close();
  // Without --verify the damage goes unseen: SQLite's pages are intact.
  expect(json(await erin.ok(['--json', 'doctor'])).healthy).toBe(true);

  const r = await erin.run(['--json', 'doctor', '--verify']);
  expectFailure(r, 8, /check failed: verify: 1 envelope\(s\) in 1 vault\(s\) do not open \(1 do\)/);
  const doc = json(r);
  expect(doc).toMatchObject({ ok: false, healthy: false, error: { code: 'doctor_failed' } });
  expect(doc.verify).toEqual([
    {
      vault: 'infra',
      vaultId: row.vault_id,
      opened: 1,
      failed: [{ recordId: row.record_id, kind: 'record', code: 'decryption_failed' }],
      tombstones: 1,
    },
  ]);
  const text = await erin.run(['doctor', '--verify']);
  expect(text.code).toBe(8);
  expect(text.stdout).toContain(
    `infra: 1 open, 1 do not: ${row.record_id} (decryption_failed, record)`,
  );
  for (const out of [r.stdout, r.stderr, text.stdout, text.stderr])
    for (const secret of ['big-key-name', 'the-big-secret-value', 'small-secret-value'])
      expect(out).not.toContain(secret);
});

it('needs the keys: without a session or passphrase and no terminal it fails at once (exit 3)', async () => {
  const r = await erin.run(['--json', 'doctor', '--verify'], {
    env: { COFFER_SESSION: undefined, COFFER_PASSPHRASE: undefined },
  });
  expectFailure(r, 3, /check failed: verify: a passphrase is required/);
  expect(json(r).checks).toContainEqual(
    expect.objectContaining({ name: 'verify', status: 'fail', exit: 3 }),
  );
});
