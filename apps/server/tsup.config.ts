import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(
  readFileSync(new URL('./package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

export default defineConfig({
  entry: { 'coffer-server': 'src/coffer-server.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  clean: true,
  // Workspace packages are bundled from source; dependencies (native better-sqlite3,
  // pg, fastify, pino, zod) stay external and resolve from node_modules.
  esbuildOptions(options) {
    options.conditions = ['@coffer/source'];
  },
  noExternal: [/^@coffer\//],
  define: { __COFFER_VERSION__: JSON.stringify(version) },
  banner: { js: '#!/usr/bin/env node' },
});
