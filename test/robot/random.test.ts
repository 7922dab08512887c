// The seeded random source: the ziggurat normals have N(0, 1)'s moments and tails, the same seed
// gives the same sequence, and normal() agrees with fillNormal().
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../robot/random.ts';

describe('Random.fillNormal (ziggurat)', () => {
  const n = 1_000_000;
  const out = new Float64Array(n);
  createRandom(7).fillNormal(out, 0, n);

  it('has the moments of N(0, 1) and its tail beyond the ziggurat base (the slow paths are taken)', () => {
    let m1 = 0, m2 = 0, m3 = 0, m4 = 0, tail = 0;
    for (const x of out) {
      m1 += x; m2 += x * x; m3 += x * x * x; m4 += x * x * x * x;
      if (Math.abs(x) > 3.442619855899) tail++;
    }
    // Standard errors over 1e6 draws: mean 0.001, variance 0.0014, skewness 0.0024, kurtosis 0.005.
    expect(Math.abs(m1 / n)).toBeLessThan(0.005);
    expect(Math.abs(m2 / n - 1)).toBeLessThan(0.007);
    expect(Math.abs(m3 / n)).toBeLessThan(0.012);
    expect(Math.abs(m4 / n - 3)).toBeLessThan(0.03);
    // P(|x| > r) for r = 3.4426 (the base layer's edge): 5.76e-4; drawn only by the tail path.
    expect(tail / n).toBeGreaterThan(4.5e-4);
    expect(tail / n).toBeLessThan(7e-4);
  });

  it('repeats for a seed, differs across seeds, and normal() draws the same sequence', () => {
    const again = new Float64Array(1000);
    createRandom(7).fillNormal(again, 0, 1000);
    expect(Array.from(again)).toEqual(Array.from(out.subarray(0, 1000)));
    const other = new Float64Array(1000);
    createRandom(8).fillNormal(other, 0, 1000);
    expect(Array.from(other)).not.toEqual(Array.from(again));
    const random = createRandom(7);
    for (let i = 0; i < 1000; i++) expect(random.normal()).toBe(out[i]);
  });
});
