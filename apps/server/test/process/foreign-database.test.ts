/**
 * A data directory whose coffer.sqlite3 another program wrote (a wrong
 * --data-dir, a file copied into place by mistake) is refused in one line
 * and the file is left byte for byte as it was: no coffer tables added, no
 * switch to WAL. A corrupt file is refused too, naming the file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { openSqliteStore } from '../../src/storage/index.ts';
import { BINARY, buildBinary } from '../support/spawn-server.ts';

beforeAll(() => buildBinary());

function start(dataDir: string) {
  return spawnSync(process.execPath, [BINARY, '--data-dir', dataDir, '--port', '0'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
}

function foreignDataDir(): { dataDir: string; file: string } {
  const dataDir = tempDirSync('coffer-foreign-');
  const file = join(dataDir, 'coffer.sqlite3');
  const db = new Database(file);
  db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('not coffer data')");
  db.close();
  return { dataDir, file };
}

describe('a database file another program wrote', () => {
  it('is refused by the server, and left exactly as it was', () => {
    const { dataDir, file } = foreignDataDir();
    const before = readFileSync(file);
    const run = start(dataDir);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `coffer-server: cannot start: database ${file}: not a coffer-server database: it holds other tables (notes) and no schema_version; point --data-dir at a coffer-server data directory (the file was left as it was)\n`,
    );
    expect(readFileSync(file)).toEqual(before);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('is refused by the store too (an embedder opening it directly)', async () => {
    const { dataDir, file } = foreignDataDir();
    await expect(openSqliteStore({ dataDir })).rejects.toThrow(/not a coffer-server database/);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT name FROM sqlite_master').pluck().all()).toEqual(['notes']);
    db.close();
  });

  it('a corrupt file is refused naming the file, without a stack trace', () => {
    const dataDir = tempDirSync('coffer-corrupt-');
    const file = join(dataDir, 'coffer.sqlite3');
    writeFileSync(file, 'this is not a database, just text long enough to be read as a header');
    const run = start(dataDir);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `coffer-server: cannot start: database ${file}: file is not a database\n`,
    );
  });
});
