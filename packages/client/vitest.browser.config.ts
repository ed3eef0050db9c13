import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions, sourceConditions } from '../../tooling/vitest-preset.ts';

// Browser-only suites (IndexedDB store, KDF worker) in real headless Chromium.
export default defineConfig({
  ...sourceConditions,
  test: {
    name: 'client-chromium',
    include: ['src/**/*.browser.test.ts', 'test/**/*.browser.test.ts'],
    testTimeout: 120_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: chromiumLaunchOptions }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
