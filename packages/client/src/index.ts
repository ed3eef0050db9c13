/**
 * @coffer/client: the offline-first, end-to-end encrypted sync engine that the
 * web app, the CLI and other teams' apps embed. Node-only pieces live in
 * separate entries: `@coffer/client/sqlite` and `@coffer/client/node`; the
 * browser store is `@coffer/client/indexeddb`.
 */

export { MemoryStore } from './store/memory-store.ts';
export type * from './store/types.ts';
