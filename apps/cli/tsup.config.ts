import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { defineConfig, type Options } from 'tsup';

const { version } = JSON.parse(
  readFileSync(new URL('./package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

/**
 * zod's `z.locales` namespace pulls all of its ~60 translations (370 KB, half
 * of the bundled zod) into every command that parses anything, and the CLI
 * loads that code on every cold start. Only English is used (zod sets it as
 * the default itself; nothing here calls `z.config(z.locales.xx())`), so the
 * bundle's locales index re-exports English alone. Measured on `coffer get`.
 */
const englishOnlyZodLocales: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
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
  esbuildPlugins: [englishOnlyZodLocales],
  // zod too: one bundled file loads in a third of the time of its ~100 files (cold start).
  noExternal: [/^@coffer\//, 'zod'],
  external: ['better-sqlite3'],
  banner: { js: '#!/usr/bin/env node' },
});
