/**
 * Rolling back: a data directory that a NEWER server already migrated is
 * refused by this one in one clear line, and left exactly as it was (the
 * newer server still opens it). Checked with the real binary on SQLite.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { SQLITE_SCHEMA_VERSION } from '../../src/storage/sqlite/migrations.ts';
import { BINARY, buildBinary, spawnServer } from '../support/spawn-server.ts';

beforeAll(() => buildBinary());

function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(`${path}\n`).update(readFileSync(path));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

describe('a data directory from a newer server', () => {
  it('is refused with what to run, and not touched', async () => {
    const dataDir = tempDirSync('coffer-rollback-');
    const server = await spawnServer(['--data-dir', dataDir]);
    await server.stop();
    // What the next release leaves behind: one migration more.
    const db = new Database(join(dataDir, 'coffer.sqlite3'));
    db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(
      SQLITE_SCHEMA_VERSION + 1,
      Date.now(),
    );
    db.close();
    const before = treeHash(dataDir);
    const run = spawnSync(process.execPath, [BINARY, '--data-dir', dataDir, '--port', '0'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `coffer-server: cannot start: database ${join(dataDir, 'coffer.sqlite3')}: database schema version ${SQLITE_SCHEMA_VERSION + 1} is newer than this server (${SQLITE_SCHEMA_VERSION}): it was written by a newer coffer-server; run that version or a newer one on it (nothing was changed)\n`,
    );
    expect(treeHash(dataDir)).toBe(before);
  });
});
