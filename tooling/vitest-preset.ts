// Shared vitest settings: resolve workspace packages to their TypeScript source
// (the "@coffer/source" export condition) so tests never need a prior build.
import type { ViteUserConfig } from 'vitest/config';

export const sourceConditions = {
  resolve: { conditions: ['@coffer/source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['@coffer/source', 'module', 'node', 'development|production'] } },
} satisfies ViteUserConfig;

/** Chromium from Debian (`/usr/bin/chromium`), flags that work in this sandbox. */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
  ],
};
