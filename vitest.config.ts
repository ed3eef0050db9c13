import { defineConfig } from 'vitest/config';

// One run over every workspace project, so CI gets one report with real totals.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest*.config.ts',
      'apps/*/vitest*.config.ts',
      'tests/*/vitest*.config.ts',
    ],
  },
});
