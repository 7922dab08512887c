// The joint-state estimator allocates nothing per update. In a file of its own, so that its
// update is compiled for the typed arrays the loop feeds it, not for the literal arrays the
// behaviour tests use (mixed element kinds make V8 box the loaded doubles).
import { describe, expect, it } from 'vitest';
import { JointStateEstimator } from '../../perception/joint-state-estimator.ts';
import { measureHeapGrowth } from '../support/heap.ts';

// Best of 3 rounds, heapUsed read every 10 000 calls, after a warm-up by calls and 0.5 s of wall time.
const rounds = { rounds: 3, sampleEvery: 10_000 };

describe('perception allocation', () => {
  it('the Kalman joint-state estimator allocates nothing per update (7 joints, 1e5 updates)', () => {
    const estimator = new JointStateEstimator(7, { quantum: (2 * Math.PI) / 2 ** 17 });
    const measured = new Float64Array(7);
    const stamp = new Float64Array(1);
    const tick = () => {
      stamp[0] += 1e-3;
      measured[0] = Math.sin(stamp[0]);
      estimator.update(measured, stamp);
    };
    // Warm up for wall time, not a call count: on a busy machine the optimizing compiler's
    // background job can take longer than a fixed number of calls (1.5 s here, then the probe's own
    // 10 000 calls and 0.5 s).
    for (const end = Date.now() + 1500; Date.now() < end; ) for (let i = 0; i < 10_000; i++) tick();
    const report = measureHeapGrowth(tick, { calls: 100_000, warmup: { calls: 10_000, seconds: 0.5 }, ...rounds });
    // Under 2 B per call: one boxed double per call would be 16 B. On a busy machine the probe
    // sometimes reads about 1 B per call (JIT and vitest worker noise) where a quiet run reads 0.
    expect(report.bytesPerCall, JSON.stringify(report.rounds)).toBeLessThan(2);
  });

  it('the probe sees an update that allocates (a fresh array per call)', () => {
    const estimator = new JointStateEstimator(7, { quantum: (2 * Math.PI) / 2 ** 17 });
    const stamp = new Float64Array(1);
    const report = measureHeapGrowth(() => {
      stamp[0] += 1e-3;
      estimator.update(new Float64Array(7), stamp);
    }, { calls: 20_000, warmup: { calls: 20_000, seconds: 0.5 }, ...rounds });
    expect(report.bytesPerCall).toBeGreaterThan(32);
  });
});
