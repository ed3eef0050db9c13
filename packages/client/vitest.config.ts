import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../tooling/vitest-preset.ts';

// Node suites: unit tests of the pure sync logic, the store contract against
// the in-memory and SQLite stores, and integration tests against the real
// server over HTTPS (test/integration, started by the global setup).
export default defineConfig({
  ...sourceConditions,
  test: {
    name: 'client',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/*.browser.test.ts', '**/node_modules/**'],
    testTimeout: 60_000,
  },
});
