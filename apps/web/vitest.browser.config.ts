import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions, sourceConditions } from '../../tooling/vitest-preset.ts';

// Component tests in real headless Chromium: real layout, focus, <dialog>, clipboard.
export default defineConfig({
  ...sourceConditions,
  oxc: { jsx: { runtime: 'automatic' } },
  // Pre-bundle React up front: discovering it mid-run makes Vite reload the page.
  optimizeDeps: {
    include: [
      'react',
      'react/jsx-runtime',
      'react/jsx-dev-runtime',
      'react-dom',
      'react-dom/client',
    ],
  },
  test: {
    name: 'web-chromium',
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: chromiumLaunchOptions }),
      instances: [{ browser: 'chromium', viewport: { width: 1100, height: 800 } }],
    },
  },
});
