import { defineConfig } from 'vitest/config';

// One config for unit, integration and browser (e2e) suites. Timeouts are generous because
// CI machines have 2 cores and the e2e suite starts servers and Chromium.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
