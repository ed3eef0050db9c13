import DatabaseConstructor from 'better-sqlite3';
import pg from 'pg';
import { expect, it } from 'vitest';
import { storeTrouble } from './unavailable.ts';

it('tells a full SQLite database from other SQLite errors', () => {
  const db = new DatabaseConstructor(':memory:');
  db.exec('CREATE TABLE t (x BLOB)');
  db.pragma('max_page_count = 3');
  const full = (() => {
    try {
      db.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(64 * 1024));
    } catch (error) {
      return error;
    }
  })();
  expect(storeTrouble(full)).toBe('out_of_space');
  const syntax = (() => {
    try {
      db.exec('SELEC 1');
    } catch (error) {
      return error;
    }
  })();
  expect(storeTrouble(syntax)).toBeNull();
  db.close();
});

it('tells an unreachable PostgreSQL from a query error', async () => {
  // Port 1 on loopback: nothing listens, the connect is refused.
  const client = new pg.Client({ host: '127.0.0.1', port: 1, user: 'x', database: 'x' });
  const refused = await client.connect().then(
    () => null,
    (error: unknown) => error,
  );
  expect(storeTrouble(refused)).toBe('unreachable');
  const lost = new Error('Connection terminated unexpectedly');
  expect(storeTrouble(lost)).toBe('unreachable');
  const diskFull = Object.assign(new pg.DatabaseError('could not extend file', 0, 'error'), {
    code: '53100',
  });
  expect(storeTrouble(diskFull)).toBe('out_of_space');
  const unique = Object.assign(new pg.DatabaseError('duplicate key', 0, 'error'), {
    code: '23505',
  });
  expect(storeTrouble(unique)).toBeNull();
  expect(storeTrouble(new Error('something else'))).toBeNull();
});
