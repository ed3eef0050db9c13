import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(
  readFileSync(new URL('./package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

export default defineConfig({
  entry: { coffer: 'src/coffer.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  clean: true,
  // Commands are dynamic imports: code splitting keeps `coffer --version` from loading crypto or SQLite.
  splitting: true,
  define: { __COFFER_VERSION__: JSON.stringify(version) },
  // Workspace packages are bundled from source; native deps stay external.
  esbuildOptions(options) {
    options.conditions = ['@coffer/source'];
  },
  // zod too: one bundled file loads in a third of the time of its ~100 files (cold start).
  noExternal: [/^@coffer\//, 'zod'],
  external: ['better-sqlite3'],
  banner: { js: '#!/usr/bin/env node' },
});
