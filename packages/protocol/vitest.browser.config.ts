import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions, sourceConditions } from '../../tooling/vitest-preset.ts';

// The shared suites in real Chromium: the WebCrypto code paths, same vectors.
export default defineConfig({
  ...sourceConditions,
  test: {
    name: 'protocol-chromium',
    include: ['src/**/*.shared.test.ts', 'test/**/*.shared.test.ts'],
    testTimeout: 120_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: chromiumLaunchOptions }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
