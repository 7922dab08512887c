// Joint-state estimation from quantized encoders, against an exactly known motion.
import { describe, expect, it } from 'vitest';
import { FilteredDifferentiator, JointStateEstimator } from '../../perception/joint-state-estimator.ts';

const COUNTS = 2 ** 14; // a 14-bit joint-side encoder
const QUANTUM = (2 * Math.PI) / COUNTS;
const quantize = (x: number) => Math.round(x / QUANTUM) * QUANTUM;

/** True motion of joint k: a sum of sines (rad), with its velocity. */
const truth = (k: number, t: number) => ({
  q: 0.8 * Math.sin(2 * Math.PI * 0.5 * t + k) + 0.2 * Math.sin(2 * Math.PI * 2.1 * t),
  v: 0.8 * Math.PI * Math.cos(2 * Math.PI * 0.5 * t + k) + 0.4 * Math.PI * 2.1 * Math.cos(2 * Math.PI * 2.1 * t),
});

describe('JointStateEstimator', () => {
  it('estimates velocity from a 14-bit encoder at 1 kHz far better than plain differencing', () => {
    const nq = 3, dt = 0.001;
    const estimator = new JointStateEstimator(nq, { quantum: QUANTUM, jerkDensity: 2e3 });
    const measured = new Float64Array(nq);
    const last = new Float64Array(nq);
    let sumKalman = 0, sumPlain = 0, sumPosition = 0, count = 0;
    for (let i = 0; i <= 5000; i++) {
      const t = i * dt;
      for (let k = 0; k < nq; k++) measured[k] = quantize(truth(k, t).q);
      estimator.update(measured, [t]);
      if (i > 500) {
        for (let k = 0; k < nq; k++) {
          const { q, v } = truth(k, t);
          sumKalman += (estimator.velocity[k] - v) ** 2;
          sumPlain += ((measured[k] - last[k]) / dt - v) ** 2;
          sumPosition += (estimator.position[k] - q) ** 2;
          count++;
        }
      }
      last.set(measured);
    }
    const rmsKalman = Math.sqrt(sumKalman / count), rmsPlain = Math.sqrt(sumPlain / count);
    const rmsPosition = Math.sqrt(sumPosition / count);
    console.log(JSON.stringify({ figure: 'joint-velocity-rms', kalman_rad_s: rmsKalman, plain_differencing_rad_s: rmsPlain, position_rms_rad: rmsPosition, quantum_rad: QUANTUM }));
    expect(rmsKalman).toBeLessThan(rmsPlain / 5);
    expect(rmsPosition).toBeLessThan(QUANTUM);
  });

  it('rejects duplicated, out-of-order and non-finite messages and keeps its estimate', () => {
    const estimator = new JointStateEstimator(1, { quantum: QUANTUM });
    expect(estimator.update([0.1], [1.0])).toBe('accepted');
    expect(estimator.update([0.2], [1.001])).toBe('accepted');
    const before = estimator.position[0];
    expect(estimator.update([5], [1.001])).toBe('duplicate');
    expect(estimator.update([5], [0.999])).toBe('out-of-order');
    expect(estimator.update([Number.NaN], [1.002])).toBe('invalid');
    expect(estimator.update([0.2], [Number.POSITIVE_INFINITY])).toBe('invalid');
    expect(estimator.position[0]).toBe(before);
    expect([estimator.duplicates, estimator.outOfOrder, estimator.invalid]).toEqual([1, 1, 2]);
  });

  it('handles irregular and late messages: the step follows the stamps, not the arrival', () => {
    const estimator = new JointStateEstimator(1, { quantum: 1e-6 });
    let t = 0;
    for (let i = 0; i < 400; i++) {
      t += 0.0005 + 0.002 * ((i * 7919) % 13) / 13; // jittered 0.5..2.5 ms
      estimator.update([2 * t], [t]); // 2 rad/s ramp
    }
    expect(estimator.velocity[0]).toBeCloseTo(2, 3);
  });

  it('says stale when no measurement came within the limit', () => {
    const estimator = new JointStateEstimator(1, { quantum: QUANTUM, staleAfter: 0.05 });
    expect(estimator.isStale([0])).toBe(true);
    estimator.update([0], [10]);
    expect(estimator.isStale([10.04])).toBe(false);
    expect(estimator.isStale([10.06])).toBe(true);
  });

  it('the filtered differentiator converges on a ramp', () => {
    const d = new FilteredDifferentiator(1, 0.005);
    for (let i = 0; i < 200; i++) d.update([3 * i * 1e-3], [i * 1e-3]);
    expect(d.velocity[0]).toBeCloseTo(3, 6);
  });

  it('rejects bad construction arguments by name', () => {
    expect(() => new JointStateEstimator(0, { quantum: 1 })).toThrow(/nq = 0/);
    expect(() => new JointStateEstimator(2, { quantum: [1, Number.NaN] })).toThrow(/quantum\[1\] = NaN/);
  });
});
