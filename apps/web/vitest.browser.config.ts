import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type Plugin } from 'vitest/config';
import { chromiumLaunchOptions, sourceConditions } from '../../tooling/vitest-preset.ts';

/**
 * msw's Service Worker for the tests that run the real SDK against
 * @coffer/mocks (served from the installed msw, so versions always match;
 * never part of the app's public files or its build).
 */
function mockServiceWorker(): Plugin {
  const file = createRequire(import.meta.url).resolve('msw/mockServiceWorker.js');
  return {
    name: 'coffer-mock-service-worker',
    configureServer(server) {
      server.middlewares.use('/mockServiceWorker.js', (_request, response) => {
        response.setHeader('content-type', 'text/javascript');
        response.end(readFileSync(file));
      });
    },
  };
}

// Component tests in real headless Chromium: real layout, focus, <dialog>, clipboard.
export default defineConfig({
  ...sourceConditions,
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [mockServiceWorker()],
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
