// Jogging (MoveIt Servo semantics) on the Panda: joint and Cartesian direction, slowing near a
// singularity (by the threshold law) and near a joint limit, and stopping when the stream stops.
import { describe, expect, it } from 'vitest';
import { JogReference } from '../../control/jog.ts';
import { jointLimitsFromModel } from '../../control/limiter.ts';
import { createControlContext, type ControlContext } from '../../control/context.ts';
import { createData } from '../../robot/data.ts';
import { forwardKinematics } from '../../robot/kinematics.ts';
import { PANDA_HOME, panda } from './plant.ts';

const model = panda();
const limits = jointLimitsFromModel(model);
const dt = 0.001;

function context(q: ArrayLike<number>): ControlContext {
  const ctx = createControlContext(model.nq);
  ctx.qRef.set(q);
  ctx.q.set(q);
  ctx.dt = dt;
  return ctx;
}

function run(jog: JogReference, ctx: ControlContext, ticks: number, each?: () => void): void {
  for (let i = 0; i < ticks; i++) {
    each?.();
    ctx.t += dt;
    jog.update(ctx);
  }
}

function tip(q: ArrayLike<number>): Float64Array {
  const data = createData(model);
  forwardKinematics(model, data, q);
  return data.X_WL.slice(12 * model.tip + 9, 12 * model.tip + 12);
}

describe('JogReference', () => {
  it('JointJog moves the named joint at the commanded speed (after the acceleration ramp) and nothing else', () => {
    const ctx = context(PANDA_HOME);
    const jog = new JogReference(model, limits);
    jog.start(ctx);
    run(jog, ctx, 500, () => expect(jog.jointJog([model.jointNames[1]], [-0.2])).toBe(''));
    expect(ctx.vRef[1]).toBeCloseTo(-0.2, 12);
    for (let k = 0; k < model.nq; k++) if (k !== 1) expect(ctx.qRef[k]).toBe(PANDA_HOME[k]);
    // Ramp at the acceleration limit, then constant speed.
    const ramp = 0.2 / limits.acceleration[1];
    expect(ctx.qRef[1] - PANDA_HOME[1]).toBeCloseTo(-0.2 * (0.5 - ramp / 2), 3);
  });

  it('a base-frame twist moves the tip along it', () => {
    const ctx = context(PANDA_HOME);
    const jog = new JogReference(model, limits);
    jog.start(ctx);
    const before = tip(ctx.qRef);
    run(jog, ctx, 300, () => jog.twist([0, 0.05, 0], [0, 0, 0]));
    const after = tip(ctx.qRef);
    const d = [after[0] - before[0], after[1] - before[1], after[2] - before[2]];
    const norm = Math.hypot(d[0], d[1], d[2]);
    expect(norm).toBeGreaterThan(0.01);
    expect(d[1] / norm).toBeGreaterThan(0.99);
  });

  it('slows by the singularity law: scale 1 − (cond − lower)/(hard − lower) between the thresholds', () => {
    const probe = new JogReference(model, limits);
    const ctx0 = context(PANDA_HOME);
    probe.start(ctx0);
    probe.twist([0.01, 0, 0], [0, 0, 0]);
    ctx0.t += dt;
    probe.update(ctx0);
    const cond = probe.conditionNumber;
    expect(cond).toBeGreaterThan(1);
    const ctx = context(PANDA_HOME);
    const jog = new JogReference(model, limits, { lowerSingularityThreshold: cond - 1, hardStopSingularityThreshold: cond + 3 });
    jog.start(ctx);
    jog.twist([0.01, 0, 0], [0, 0, 0]);
    ctx.t += dt;
    jog.update(ctx);
    expect(jog.slowdown).toBeCloseTo(1 - 1 / 4, 2);
    const stop = new JogReference(model, limits, { lowerSingularityThreshold: cond / 2, hardStopSingularityThreshold: cond * 0.9 });
    const ctx2 = context(PANDA_HOME);
    stop.start(ctx2);
    run(stop, ctx2, 50, () => stop.twist([0.01, 0, 0], [0, 0, 0]));
    expect(stop.slowdown).toBe(0);
    for (let k = 0; k < model.nq; k++) expect(ctx2.qRef[k]).toBe(PANDA_HOME[k]);
  });

  it('slows a joint approaching its limit linearly inside the margin and stops at the limit', () => {
    const margin = 0.1;
    const q = PANDA_HOME.slice();
    q[0] = limits.upper[0] - margin / 2;
    const ctx = context(q);
    const jog = new JogReference(model, limits, { jointLimitMargin: margin });
    jog.start(ctx);
    jog.jointJog([model.jointNames[0]], [0.5]);
    ctx.t += dt;
    jog.update(ctx);
    expect(jog.slowdown).toBeCloseTo(0.5, 6);
    run(jog, ctx, 5000, () => jog.jointJog([model.jointNames[0]], [0.5]));
    expect(ctx.qRef[0]).toBeLessThanOrEqual(limits.upper[0]);
    expect(ctx.qRef[0]).toBeGreaterThan(limits.upper[0] - 1e-3);
    // Away from the limit: full speed.
    jog.jointJog([model.jointNames[0]], [-0.5]);
    ctx.t += dt;
    jog.update(ctx);
    expect(jog.slowdown).toBe(1);
  });

  it('stops (decelerating at the acceleration limit) when the stream stops for the timeout', () => {
    const ctx = context(PANDA_HOME);
    const jog = new JogReference(model, limits, { timeout: 0.1 });
    jog.start(ctx);
    run(jog, ctx, 300, () => jog.jointJog([model.jointNames[2]], [0.4]));
    expect(ctx.vRef[2]).toBeCloseTo(0.4, 12);
    run(jog, ctx, 99); // still within the timeout
    expect(ctx.vRef[2]).toBeCloseTo(0.4, 12);
    run(jog, ctx, 2);
    expect(ctx.vRef[2]).toBeLessThan(0.4);
    run(jog, ctx, 200);
    expect(ctx.vRef[2]).toBe(0);
    const stopped = ctx.qRef[2];
    run(jog, ctx, 100);
    expect(ctx.qRef[2]).toBe(stopped);
  });

  it('rejects bad commands with messages naming the field and value', () => {
    const jog = new JogReference(model, limits);
    expect(jog.jointJog(['nope'], [1])).toMatch(/joint_names\[0\] = "nope" is not a joint/);
    expect(jog.jointJog([model.jointNames[0]], [Number.NaN])).toMatch(/velocities\[0\] = NaN/);
    expect(jog.jointJog([model.jointNames[0]], [1, 2])).toMatch(/velocities has 2 values for 1 joint_names/);
    expect(jog.twist([0, Number.POSITIVE_INFINITY, 0], [0, 0, 0])).toMatch(/twist.linear\[1\] = Infinity/);
  });
});
