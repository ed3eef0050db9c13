import { defineConfig } from 'vitest/config';

// The cross-app suite: the BUILT server, web app and CLI, driven through real Chromium.
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/**/*.e2e.test.ts'],
    globalSetup: ['src/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: one server and one browser at a time.
    fileParallelism: false,
    pool: 'forks',
  },
});
