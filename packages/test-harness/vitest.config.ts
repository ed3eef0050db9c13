import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../tooling/vitest-preset.ts';

// The harness's own tests: it spawns the BUILT coffer-server (built once in
// globalSetup), so a harness bug shows here and not as a flaky suite elsewhere.
export default defineConfig({
  ...sourceConditions,
  test: {
    name: 'test-harness',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
