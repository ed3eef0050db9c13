import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../tooling/vitest-preset.ts';

// Integration tests: the SDK against the real, built coffer-server over
// HTTPS (pinned self-signed certificate), with SQLite replicas.
export default defineConfig({
  ...sourceConditions,
  test: {
    name: 'client-integration',
    include: ['test/integration/**/*.test.ts'],
    globalSetup: ['test/integration/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
