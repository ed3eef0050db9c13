import { defineConfig } from 'tsup';

// Separate entries so a browser bundle of the main entry never pulls in
// better-sqlite3 or undici (Node-only), and the KDF worker is its own file.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    sqlite: 'src/store/sqlite-store.ts',
    indexeddb: 'src/store/indexeddb-store.ts',
    node: 'src/node.ts',
    'kdf-worker': 'src/account/kdf-worker.ts',
    // Node's open pool loads it next to node.js.
    'open-worker': 'src/sync/open-worker.ts',
    // The SQLite store's background checkpointer loads it next to its chunk.
    'sqlite-checkpoint-worker': 'src/store/sqlite-checkpoint-worker.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2023',
  external: ['better-sqlite3', 'undici', '@coffer/protocol'],
});
