import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../tooling/vitest-preset.ts';

const { version } = JSON.parse(
  readFileSync(new URL('./package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

// Integration tests spawn the BUILT binary (built once in globalSetup) against
// a real server over HTTPS; unit tests import the source.
export default defineConfig({
  ...sourceConditions,
  define: { __COFFER_VERSION__: JSON.stringify(version) },
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
