// The joint-state estimator allocates nothing per update. In a file of its own, so that its
// update is compiled for the typed arrays the loop feeds it, not for the literal arrays the
// behaviour tests use (mixed element kinds make V8 box the loaded doubles).
import { describe, expect, it } from 'vitest';
import { JointStateEstimator } from '../../perception/joint-state-estimator.ts';
import { measureAllocation } from '../control/allocation-probe.ts';

describe('perception allocation', () => {
  it('the Kalman joint-state estimator allocates nothing per update (7 joints, 1e5 updates)', () => {
    const estimator = new JointStateEstimator(7, { quantum: (2 * Math.PI) / 2 ** 17 });
    const measured = new Float64Array(7);
    const stamp = new Float64Array(1);
    const report = measureAllocation(() => {
      stamp[0] += 1e-3;
      measured[0] = Math.sin(stamp[0]);
      estimator.update(measured, stamp);
    }, 100_000, 200_000);
    expect(report.bytesPerCall).toBeLessThan(0.5);
  });

  it('the probe sees an update that allocates (a fresh array per call)', () => {
    const estimator = new JointStateEstimator(7, { quantum: (2 * Math.PI) / 2 ** 17 });
    const stamp = new Float64Array(1);
    const report = measureAllocation(() => {
      stamp[0] += 1e-3;
      estimator.update(new Float64Array(7), stamp);
    }, 20_000, 20_000);
    expect(report.bytesPerCall).toBeGreaterThan(32);
  });
});
