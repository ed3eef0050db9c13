/** Prepared-statement cache per connection, so hot paths never re-parse SQL. */
import type { Database, Statement } from 'better-sqlite3';

const caches = new WeakMap<Database, Map<string, Statement>>();

export function sql(db: Database, text: string): Statement {
  let cache = caches.get(db);
  if (cache === undefined) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(text);
  if (statement === undefined) {
    statement = db.prepare(text);
    cache.set(text, statement);
  }
  return statement;
}
