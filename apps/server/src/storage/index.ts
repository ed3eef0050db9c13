/** The storage layer of coffer-server: the contract and its two engines. */
export * from './contract.ts';
export { LocalNotifier } from './notifier.ts';
export {
  openPostgresStore,
  PostgresStore,
  type PostgresStoreOptions,
} from './postgres/postgres-store.ts';
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
