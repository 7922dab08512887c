// Smooth replacement of a running trajectory: with joint limits the splice onto the new
// trajectory is planned by the jerk-limited generator when the first waypoint is too close in
// time, and stays within velocity, acceleration and jerk limits; the plain quintic splice does not.
import { describe, expect, it } from 'vitest';
import { JointTrajectoryController } from '../../control/joint-trajectory.ts';
import { jointLimitsFromModel } from '../../control/limiter.ts';
import { createControlContext } from '../../control/context.ts';
import { PANDA_HOME, panda } from './plant.ts';

const model = panda();
const limits = jointLimitsFromModel(model);
const dt = 0.001;

function splice(withLimits: boolean) {
  const jtc = new JointTrajectoryController({ jointNames: model.jointNames, ...(withLimits ? { limits } : {}) });
  const ctx = createControlContext(model.nq);
  ctx.dt = dt;
  ctx.qRef.set(PANDA_HOME);
  ctx.q.set(PANDA_HOME);
  const trace: { v: number; a: number }[] = [];
  const tick = () => {
    ctx.t += dt;
    jtc.update(ctx);
    ctx.q.set(ctx.qRef);
    ctx.v.set(ctx.vRef);
    trace.push({ v: ctx.vRef[0], a: ctx.aRef[0] });
  };
  // Joint 1 moving at 1.5 rad/s toward +.
  jtc.setTrajectory({ jointNames: model.jointNames, points: [{ positions: PANDA_HOME.map((q, k) => (k === 0 ? q + 1.5 : q)), velocities: PANDA_HOME.map((_, k) => (k === 0 ? 1.5 : 0)), timeFromStart: 1 }, { positions: PANDA_HOME.map((q, k) => (k === 0 ? q + 2.5 : q)), timeFromStart: 2 }] });
  for (let i = 0; i < 900; i++) tick();
  const at = trace.length;
  // Replace it: back to home, first waypoint only 50 ms away.
  const result = jtc.setTrajectory({ jointNames: model.jointNames, points: [{ positions: PANDA_HOME, timeFromStart: 0.05 }, { positions: PANDA_HOME, timeFromStart: 0.5 }] });
  expect(result.accepted).toBe(true);
  for (let i = 0; i < 4000; i++) {
    tick();
    if (jtc.status !== 'executing') break;
  }
  return { jtc, ctx, trace, at };
}

describe('joint trajectory splice', () => {
  it('with limits: the generator plans the splice within velocity, acceleration and jerk limits and the trajectory completes', () => {
    const { jtc, ctx, trace, at } = splice(true);
    expect(jtc.generatedSplices).toBe(1);
    expect(jtc.status).toBe('succeeded');
    expect(ctx.qRef[0]).toBeCloseTo(PANDA_HOME[0], 9);
    for (let i = at; i < trace.length; i++) {
      expect(Math.abs(trace[i].v)).toBeLessThanOrEqual(limits.velocity[0] * (1 + 1e-9));
      expect(Math.abs(trace[i].a)).toBeLessThanOrEqual(limits.acceleration[0] * (1 + 1e-9));
      expect(Math.abs(trace[i].a - trace[i - 1].a) / dt).toBeLessThanOrEqual(limits.jerk[0] * (1 + 1e-6));
    }
  });

  it('without limits the quintic splice onto a waypoint 50 ms away exceeds the acceleration limit (what the generator avoids)', () => {
    const { trace, at, jtc } = splice(false);
    expect(jtc.generatedSplices).toBe(0);
    let peak = 0;
    for (let i = at; i < trace.length; i++) peak = Math.max(peak, Math.abs(trace[i].a));
    expect(peak).toBeGreaterThan(limits.acceleration[0]);
  });

  it('a waypoint reachable in its time keeps the quintic splice', () => {
    const jtc = new JointTrajectoryController({ jointNames: model.jointNames, limits });
    const ctx = createControlContext(model.nq);
    ctx.dt = dt;
    ctx.qRef.set(PANDA_HOME);
    jtc.setTrajectory({ jointNames: model.jointNames, points: [{ positions: PANDA_HOME.map((q) => q + 0.01), timeFromStart: 2 }] });
    ctx.t += dt;
    jtc.update(ctx);
    expect(jtc.generatedSplices).toBe(0);
  });
});
