// Everything the page publishes is clamped: random inputs (NaN, ±Infinity, strings, huge values)
// never produce a command beyond limit·scale or a non-finite number.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildJointJog, buildTwist, clampSymmetric, clampTarget, jogLimits, parseGain, speedScale } from '../../web/src/command-limits.ts';

const anyValue = fc.oneof(fc.double(), fc.constant(Number.NaN), fc.constant(Infinity), fc.constant(-Infinity), fc.string(), fc.constant(undefined));

describe('command limits', () => {
  it('clampSymmetric returns a finite value within ±limit for any input', () => {
    fc.assert(fc.property(anyValue, fc.double({ min: 0, max: 10, noNaN: true }), (x, limit) => {
      const y = clampSymmetric(x, limit);
      return Number.isFinite(y) && Math.abs(y) <= limit;
    }), { seed: 8 });
    expect(clampSymmetric(5, 1)).toBe(1);
    expect(clampSymmetric(-0.5, 1)).toBe(-0.5);
  });

  it('JointJog velocities never exceed min(URDF limit, 1 rad/s)·scale', () => {
    const limits = jogLimits([2, 0.5, Infinity, 0]);
    fc.assert(fc.property(fc.array(fc.double(), { minLength: 4, maxLength: 4 }), fc.double({ min: -1, max: 2 }), (v, scale) => {
      const message = buildJointJog(['a', 'b', 'c', 'd'], v, limits, scale, 'ros2', 1) as { velocities: number[] };
      const s = Math.min(1, Math.max(0, Number.isFinite(scale) ? scale : 0));
      return message.velocities.every((x, k) => Number.isFinite(x) && Math.abs(x) <= limits.jointVelocity[k] * s + 1e-15);
    }), { seed: 9 });
    expect(Array.from(limits.jointVelocity)).toEqual([1, 0.5, 1, 1]);
    expect(() => buildJointJog(['a'], [1, 2], limits, 1, 'ros2', 0)).toThrow(/2 velocities for 1 joints/);
  });

  it('twists are clamped per axis and stamped in the dialect', () => {
    const limits = jogLimits([1]);
    const twist = buildTwist([10, Number.NaN, -10], [Infinity, 0, 0.1], limits, 0.5, 'ros1', 12.5, 'base_link') as {
      header: { stamp: { secs: number; nsecs: number }; frame_id: string }; twist: { linear: Record<string, number>; angular: Record<string, number> };
    };
    expect(twist.twist.linear).toEqual({ x: 0.125, y: 0, z: -0.125 });
    expect(twist.twist.angular).toEqual({ x: 0, y: 0, z: 0.1 });
    expect(twist.header.stamp).toEqual({ secs: 12, nsecs: 500000000 });
    expect(twist.header.frame_id).toBe('base_link');
  });

  it('speed scale, targets and gains reject garbage with the field named', () => {
    expect(speedScale('250')).toBe(1);
    expect(speedScale('abc')).toBe(0.25);
    expect(speedScale(0)).toBe(0.01);
    expect(clampTarget('3', -1, 1)).toBe(1);
    expect(clampTarget('x', -1, 1)).toBeUndefined();
    expect(parseGain('kp', '12.5', 1000)).toEqual({ ok: true, value: 12.5 });
    expect(parseGain('kp', '-1', 1000)).toEqual({ ok: false, error: 'kp = -1: expected 0..1000' });
    expect(parseGain('kd', 'abc', 10)).toEqual({ ok: false, error: 'kd = "abc": expected a number' });
  });
});
