import { defineConfig } from 'vitest/config';

// Two projects: `unit` (everything but the browser; two workers) and `e2e` (real Chromium against
// running servers; one file at a time, as each starts a whole stack). `npm test` runs them one
// after the other, so the browser suite never competes with the timing-sensitive loop tests for
// the two cores of a CI machine.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], fileParallelism: false, maxWorkers: 1 } },
    ],
  },
});
