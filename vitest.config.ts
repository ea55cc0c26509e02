import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', 'web/dist/**', 'data/**'],
    globalSetup: ['db/testing/global-setup.ts', 'web/e2e/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Real databases and a real browser: keep the two cores from thrashing.
    maxWorkers: 2,
  },
});
