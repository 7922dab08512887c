// Rotation helpers: the logarithm inverts Rodrigues' formula over the whole range, including near 0 and π.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isRotation, rotationDistance, rotationFromAxisAngle, rotationFromRpy, rotationLog, rotationMultiply, transformInverse, transformMultiply } from '../../robot/se3.ts';

const unitAxis = fc
  .tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }))
  .filter(([x, y, z]) => Math.hypot(x, y, z) > 0.1)
  .map(([x, y, z]) => {
    const n = Math.hypot(x, y, z);
    return [x / n, y / n, z / n] as const;
  });

describe('rotationLog', () => {
  it('returns angle·axis for rotations from 0 to π, including the ends', () => {
    const angles = fc.oneof(fc.double({ min: 0, max: Math.PI, noNaN: true }), fc.constantFrom(0, 1e-9, 1e-5, Math.PI - 1e-9, Math.PI - 1e-6, Math.PI));
    fc.assert(
      fc.property(unitAxis, angles, ([x, y, z], angle) => {
        const R = new Float64Array(9), w = new Float64Array(3);
        rotationFromAxisAngle(x, y, z, angle, R, 0);
        rotationLog(R, 0, w, 0);
        if (angle > Math.PI - 1e-6) {
          // At π the axis sign is free: ±(angle·axis).
          const sign = Math.sign(w[0] * x + w[1] * y + w[2] * z) || 1;
          for (let k = 0; k < 3; k++) expect(w[k]).toBeCloseTo(sign * angle * [x, y, z][k], 6);
        } else {
          for (let k = 0; k < 3; k++) expect(w[k]).toBeCloseTo(angle * [x, y, z][k], 12);
        }
        const I = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
        expect(rotationDistance(R, 0, I, 0)).toBeCloseTo(angle, 7);
      }),
      { numRuns: 500, seed: 11 },
    );
  });
});

describe('transforms', () => {
  it('composes with its inverse to the identity, and RPY matrices are rotations', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 6, maxLength: 6 }), (v) => {
        const X = new Float64Array(12), inverse = new Float64Array(12), product = new Float64Array(12), RR = new Float64Array(9);
        rotationFromRpy(v[0], v[1], v[2], X, 0);
        X[9] = v[3]; X[10] = v[4]; X[11] = v[5];
        expect(isRotation(X.subarray(0, 9))).toBe(true);
        transformInverse(X, 0, inverse, 0);
        transformMultiply(X, 0, inverse, 0, product, 0);
        const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0];
        for (let k = 0; k < 12; k++) expect(product[k]).toBeCloseTo(identity[k], 12);
        rotationMultiply(X, 0, X, 0, RR, 0);
        expect(isRotation(RR)).toBe(true);
      }),
      { numRuns: 200, seed: 5 },
    );
    expect(isRotation([1, 0, 0, 0, 1, 0, 0, 0, -1])).toBe(false);
    expect(isRotation([1, 0, 0, 0, 1.01, 0, 0, 0, 1])).toBe(false);
  });
});
