/**
 * `coffer-server backup` against the real binary: a copy of a SQLite data
 * directory taken while pushes are being acknowledged is consistent, holds
 * every push acknowledged before it started, and restores by starting the
 * server on it: the same certificate (clients' pins hold), the same server
 * secret, the same sessions; a device that saw writes made after the backup
 * is told to resync instead of silently missing them.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { createUser, createVault, newHexId, newRecordPush } from '../support/accounts.ts';
import { BINARY, buildBinary, spawnServer } from '../support/spawn-server.ts';

const run = promisify(execFile);

beforeAll(() => buildBinary());

describe('coffer-server backup', () => {
  it('copies a live SQLite data directory consistently, and the copy restores', async () => {
    const dataDir = tempDirSync('coffer-backup-src-');
    const to = join(tempDirSync('coffer-backup-dst-'), 'backup-1');
    const server = await spawnServer(['--data-dir', dataDir]);
    const fingerprint = readFileSync(join(dataDir, 'tls', 'fingerprint-sha256.txt'), 'utf8');
    const alice = await createUser(server.api(), 'alice');
    const vaultId = await createVault(alice);
    const push = async (recordId: string): Promise<number> => {
      const res = await alice.api.post(
        `/v1/vaults/${vaultId}/push`,
        await newRecordPush(vaultId, recordId),
      );
      expect(res.status).toBe(200);
      return res.body.results[0].seq as number;
    };
    const before = newHexId();
    await push(before);

    // Pushes keep being acknowledged while the backup runs.
    const backup = run(process.execPath, [
      BINARY,
      'backup',
      '--data-dir',
      dataDir,
      '--to',
      to,
      '--json',
    ]);
    let done = false;
    void backup.finally(() => {
      done = true;
    });
    let during = 0;
    while (!done) {
      await push(newHexId());
      during++;
    }
    const result = JSON.parse((await backup).stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      ok: true,
      to,
      files: expect.arrayContaining(['server-secret', 'tls/cert.pem', 'tls/key.pem']),
    });
    expect(during).toBeGreaterThan(0);
    const after = await push(newHexId());
    await server.stop();

    // The secret and the key are copied with their 0600 mode.
    expect(readFileSync(join(to, 'server-secret'))).toEqual(
      readFileSync(join(dataDir, 'server-secret')),
    );
    expect(statSync(join(to, 'tls', 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(to, 'server-secret')).mode & 0o777).toBe(0o600);
    const copy = new Database(join(to, 'coffer.sqlite3'), { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();

    // Restore: the server started on the backup.
    const restored = await spawnServer(['--data-dir', to]);
    try {
      const announced = await restored.waitForLog((l) => l.msg === 'listening');
      expect(`${announced.fingerprint256}\n`).toBe(fingerprint);
      // Sessions come back too: alice's token still works.
      const api = restored.api(alice.token);
      const pulled = await api.get(`/v1/vaults/${vaultId}/changes?cursor=0`);
      expect(pulled.status).toBe(200);
      const seqs = (pulled.body.changes as Array<{ seq: number; recordId: string }>).map(
        (c) => c.seq,
      );
      // A gapless prefix of what was acknowledged, with everything from before the backup.
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(pulled.body.changes.map((c: { recordId: string }) => c.recordId)).toContain(before);
      expect(seqs.length).toBeLessThan(after);
      // A device that pulled past the restored head must resync, not skip.
      const ahead = await api.get(`/v1/vaults/${vaultId}/changes?cursor=${after}`);
      expect(ahead.status).toBe(410);
      expect(ahead.body.code).toBe('resync_required');
    } finally {
      await restored.stop();
    }
  });

  it('never overwrites, and says what is missing', () => {
    const dataDir = tempDirSync('coffer-backup-src-');
    const taken = tempDirSync('coffer-backup-taken-');
    writeFileSync(join(taken, 'keep'), 'x');
    const noDb = spawnSync(
      process.execPath,
      [BINARY, 'backup', '--data-dir', dataDir, '--to', join(taken, 'b')],
      {
        encoding: 'utf8',
      },
    );
    expect(noDb.status).toBe(1);
    expect(noDb.stderr).toBe(
      `coffer-server backup: no SQLite database at ${join(dataDir, 'coffer.sqlite3')} (a PostgreSQL server is backed up with pg_dump)\n`,
    );
    new Database(join(dataDir, 'coffer.sqlite3')).close();
    const exists = spawnSync(
      process.execPath,
      [BINARY, 'backup', '--data-dir', dataDir, '--to', taken],
      {
        encoding: 'utf8',
      },
    );
    expect(exists.status).toBe(1);
    expect(exists.stderr).toContain('already exists; a backup never overwrites');
    expect(readFileSync(join(taken, 'keep'), 'utf8')).toBe('x');
    const usage = spawnSync(process.execPath, [BINARY, 'backup'], {
      encoding: 'utf8',
      env: { ...process.env, COFFER_DATA_DIR: '' },
    });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(
      /--data-dir \(COFFER_DATA_DIR\) is required\n.*--to is required\nUsage: coffer-server backup/s,
    );
  });
});
