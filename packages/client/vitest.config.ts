import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../tooling/vitest-preset.ts';

// Node suites: unit tests of the pure sync logic, the store contract against
// the in-memory and SQLite stores. Integration tests against the real server
// are the `client-integration` project (vitest.integration.config.ts).
export default defineConfig({
  ...sourceConditions,
  test: {
    name: 'client',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/*.browser.test.ts', '**/node_modules/**', 'test/integration/**'],
    testTimeout: 60_000,
  },
});
