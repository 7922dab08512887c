// The limiter's command sequence settles on a position target (no limit cycle under the jerk
// limit) from rest and from moving states, within every limit along the way; in effort mode it
// never drives a joint past its position or velocity limit, safety_controller or not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JointLimiter, jointLimitsFromModel } from '../../control/limiter.ts';
import { createControlContext } from '../../control/context.ts';
import { panda } from './plant.ts';
import { loadRobot } from '../../sim/load-robot.ts';

const model = panda();
const limits = jointLimitsFromModel(model);
const dt = 0.001;

describe('JointLimiter, position mode', () => {
  for (const [p0, v0] of [[0.25, 0], [0.01, 0], [0.25, -1], [0.1, 2], [-1.5, 0]] as const) {
    it(`settles on a static target from p = ${p0}, v = ${v0} (joint 1) without a limit cycle`, () => {
      const limiter = new JointLimiter(limits);
      const ctx = createControlContext(model.nq);
      ctx.dt = dt;
      limiter.reset(new Float64Array(model.nq), Float64Array.from({ length: model.nq }, (_, k) => (k === 0 ? v0 : 0)));
      limiter.position[0] = p0;
      ctx.command.mode = 'position';
      let lateError = 0;
      let overshoot = 0;
      let previousAcceleration = 0;
      for (let i = 0; i < 4000; i++) {
        ctx.command.position.fill(0);
        ctx.command.velocity.fill(0);
        ctx.command.acceleration.fill(0);
        ctx.command.effort.fill(0);
        limiter.apply(ctx);
        expect(Math.abs(ctx.command.velocity[0])).toBeLessThanOrEqual(limits.velocity[0] + 1e-12);
        expect(Math.abs(ctx.command.acceleration[0])).toBeLessThanOrEqual(limits.acceleration[0] + 1e-9);
        // Jerk is the lowest priority; from rest it is respected.
        if (v0 === 0) expect(Math.abs(ctx.command.acceleration[0] - previousAcceleration) / dt).toBeLessThanOrEqual(limits.jerk[0] * (1 + 1e-9));
        previousAcceleration = ctx.command.acceleration[0];
        if (i >= 3000) lateError = Math.max(lateError, Math.abs(ctx.command.position[0]));
        if (v0 === 0 && Math.sign(ctx.command.position[0]) === -Math.sign(p0)) overshoot = Math.max(overshoot, Math.abs(ctx.command.position[0]));
      }
      // The previous dead-beat law cycled with ±0.14 rad here; from rest a step does not overshoot.
      expect(lateError).toBeLessThan(1e-9);
      expect(overshoot).toBeLessThan(1e-3 * Math.abs(p0));
    });
  }

  it('rejects unusable gains naming them', () => {
    expect(() => new JointLimiter(limits, { positionGain: 0 })).toThrow(/positionGain = 0/);
    expect(() => new JointLimiter(limits, { velocityGain: Number.NaN })).toThrow(/velocityGain = NaN/);
  });
});

describe('JointLimiter, effort mode without a URDF safety_controller (ur5e)', () => {
  const ur5e = loadRobot('ur5e').model;
  const ur5eLimits = jointLimitsFromModel(ur5e);
  const run = (q: number, v: number, effort: number) => {
    const limiter = new JointLimiter(ur5eLimits);
    const ctx = createControlContext(ur5e.nq);
    ctx.dt = dt;
    ctx.q[0] = q;
    ctx.v[0] = v;
    ctx.command.mode = 'effort';
    ctx.command.effort[0] = effort;
    limiter.apply(ctx);
    return ctx.command.effort[0];
  };
  const upper = ur5e.upperLimit[0], vmax = ur5e.velocityLimit[0], effortMax = ur5e.effortLimit[0];

  it('gets default safety gains on its hard limits', () => {
    expect(ur5e.kVelocity[0]).toBe(0); // none in the URDF
    expect(ur5eLimits.kPosition[0]).toBe(10);
    expect(ur5eLimits.kVelocity[0]).toBeCloseTo(effortMax / (0.1 * vmax), 9);
  });

  it('never pushes a joint further past its position limit or its velocity limit', () => {
    // Past the upper limit, moving outward at 3x the velocity limit: full outward torque asked for.
    expect(run(upper + 0.2, 3 * vmax, effortMax)).toBeLessThanOrEqual(-effortMax + 1e-9);
    // Past the upper limit at rest: no outward torque, pulled back.
    expect(run(upper + 0.2, 0, effortMax)).toBeLessThan(0);
    // Inside the range, over the velocity limit: no torque that speeds it up further.
    expect(run(0, 1.2 * vmax, effortMax)).toBeLessThanOrEqual(0);
    expect(run(0, -1.2 * vmax, -effortMax)).toBeGreaterThanOrEqual(0);
  });

  it('property (2e4 cases on every joint): past a position limit moving outward, or over the velocity limit, no effort pushes further', () => {
    const limiter = new JointLimiter(ur5eLimits);
    const ctx = createControlContext(ur5e.nq);
    ctx.dt = dt;
    ctx.command.mode = 'effort';
    const n = ur5e.nq;
    const effortArb = fc.oneof(fc.double({ min: -500, max: 500, noNaN: true }), fc.constantFrom(Number.NaN, Infinity, -Infinity));
    fc.assert(fc.property(fc.integer({ min: 0, max: n - 1 }), fc.double({ min: -0.5, max: 0.5, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.boolean(), effortArb, (k, beyond, speed, atUpper, effort) => {
      const lower = ur5e.lowerLimit[k], upper = ur5e.upperLimit[k], vmax = ur5e.velocityLimit[k];
      ctx.q.fill(0);
      ctx.v.fill(0);
      ctx.command.effort.fill(0);
      ctx.q[k] = atUpper ? upper + beyond : lower + beyond;
      ctx.v[k] = speed * vmax;
      ctx.command.effort[k] = effort;
      limiter.apply(ctx);
      const out = ctx.command.effort[k];
      if (!Number.isFinite(out) || Math.abs(out) > ur5e.effortLimit[k] + 1e-9) return false;
      const q = ctx.q[k], v = ctx.v[k];
      if ((q >= upper && v >= 0) || v > vmax) return out <= 0;
      if ((q <= lower && v <= 0) || v < -vmax) return out >= 0;
      return true;
    }), { seed: 11, numRuns: 20_000 });
  });

  it('leaves the full effort range to commands well inside the limits', () => {
    expect(run(0, 0.5 * vmax, effortMax)).toBe(effortMax);
    expect(run(0, -0.5 * vmax, -effortMax)).toBe(-effortMax);
    expect(run(upper - 0.5, 0, effortMax)).toBe(effortMax);
  });
});
