import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { 'coffer-server': 'src/coffer-server.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  clean: true,
  // Workspace packages are bundled from source; native and heavy deps stay external.
  esbuildOptions(options) {
    options.conditions = ['@coffer/source'];
  },
  noExternal: [/^@coffer\//],
  banner: { js: '#!/usr/bin/env node' },
});
