import { defineConfig } from 'vitest/config';
import { V8_FLAGS } from './cli/v8-flags.js';

// Four projects, run one after the other by `npm test`: `unit` (two workers), `alloc` (the
// zero-allocation probes and the files that hold one, one file at a time: a heap probe reads
// noise when another worker competes for the core), `alloc-cli` (the probes of the loops the
// `embodied` command runs, under the V8 flags it sets: with its larger inlining budget, V8 inlines
// differently, and a double-passing call left out of line boxes where it did not before) and
// `e2e` (real Chromium against running servers, one file at a time, as each starts a whole stack).
const probeFiles = [
  'test/**/*allocation*.test.ts',
  'test/control/motor-output.test.ts',
  'test/control/collision.test.ts',
  'test/perception/momentum-observer.test.ts',
  'test/perception/dual-encoder.test.ts',
  'test/web/joint-state-store.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**', ...probeFiles] } },
      { extends: true, test: { name: 'alloc', include: probeFiles, fileParallelism: false, maxWorkers: 1 } },
      // The drive's unit probes stay in `alloc`: the drives are probed inside the plant here.
      { extends: true, test: { name: 'alloc-cli', include: probeFiles, exclude: ['test/robot/drive/allocation.test.ts'], fileParallelism: false, maxWorkers: 1, execArgv: V8_FLAGS } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], fileParallelism: false, maxWorkers: 1 } },
    ],
  },
});
