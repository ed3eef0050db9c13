import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../tooling/vitest-preset.ts';

// Server suites: real SQLite in temp dirs, real PostgreSQL from a throwaway
// cluster (test/support/postgres-global-setup.ts), the real server over HTTPS.
export default defineConfig({
  ...sourceConditions,
  test: {
    name: 'server',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/postgres-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
