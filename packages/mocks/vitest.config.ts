import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../tooling/vitest-preset.ts';

// The mock server's own tests: every route (happy path and the server's error
// codes) and every scenario switch, through real fetch calls intercepted by msw.
export default defineConfig({
  ...sourceConditions,
  test: {
    name: 'mocks',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
