import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../tooling/vitest-preset.ts';

// Every suite runs in Node. Suites named *.shared.test.ts also run in real
// Chromium (vitest.browser.config.ts) against the same vectors.
export default defineConfig({
  ...sourceConditions,
  test: {
    name: 'protocol',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
