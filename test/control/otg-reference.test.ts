// The OTG setpoint reference on the pipeline: a setpoint is reached within velocity, acceleration
// and jerk limits in the generator's time-optimal duration; a new setpoint mid-motion continues
// from the current state with no jump in position, velocity or acceleration.
import { describe, expect, it } from 'vitest';
import { ControlPipeline } from '../../control/pipeline.ts';
import { PositionForwardController } from '../../control/joint-controllers.ts';
import { OtgSetpointReference } from '../../control/otg-reference.ts';
import { jointLimitsFromModel } from '../../control/limiter.ts';
import { AbaPlant, PANDA_HOME, panda } from './plant.ts';

const model = panda();
const dt = 0.001;

function setup() {
  const limits = jointLimitsFromModel(model);
  const plant = new AbaPlant(model, PANDA_HOME);
  plant.dt = dt;
  const otg = new OtgSetpointReference(limits, { period: dt });
  const pipeline = new ControlPipeline({ model, ports: plant.ports, controller: new PositionForwardController(), reference: otg, limits });
  const trace = { q: [] as Float64Array[], v: [] as Float64Array[], a: [] as Float64Array[] };
  const step = () => {
    pipeline.tick(plant.t, dt);
    plant.advance();
    trace.q.push(Float64Array.from(pipeline.ctx.qRef));
    trace.v.push(Float64Array.from(pipeline.ctx.vRef));
    trace.a.push(Float64Array.from(pipeline.ctx.aRef));
  };
  for (let i = 0; i < 5; i++) step();
  return { limits, otg, pipeline, plant, step, trace };
}

function checkLimits(trace: { v: Float64Array[]; a: Float64Array[] }, limits: ReturnType<typeof jointLimitsFromModel>) {
  for (let i = 1; i < trace.v.length; i++) {
    for (let k = 0; k < model.nq; k++) {
      expect(Math.abs(trace.v[i][k])).toBeLessThanOrEqual(limits.velocity[k] * (1 + 1e-9));
      expect(Math.abs(trace.a[i][k])).toBeLessThanOrEqual(limits.acceleration[k] * (1 + 1e-9));
      const jerk = (trace.a[i][k] - trace.a[i - 1][k]) / dt;
      expect(Math.abs(jerk)).toBeLessThanOrEqual(limits.jerk[k] * (1 + 1e-6));
    }
  }
}

describe('OtgSetpointReference', () => {
  it('reaches a setpoint within velocity, acceleration and jerk limits, all joints together, in the time-optimal duration', () => {
    const { limits, otg, pipeline, step, trace } = setup();
    const target = PANDA_HOME.map((q, k) => q + (k % 2 === 0 ? 0.4 : -0.3));
    expect(otg.setPositions(target)).toBe('');
    step();
    const duration = otg.duration;
    expect(duration).toBeGreaterThan(0.1);
    const ticks = Math.ceil(duration / dt) + 5;
    for (let i = 0; i < ticks; i++) step();
    for (let k = 0; k < model.nq; k++) expect(pipeline.ctx.qRef[k]).toBeCloseTo(target[k], 9);
    expect(otg.duration).toBe(0);
    // Time synchronization: every joint is still moving until the common end.
    const before = trace.v[trace.v.length - ticks + Math.floor(duration / dt) - 20];
    for (let k = 0; k < model.nq; k++) expect(Math.abs(before[k])).toBeGreaterThan(0);
    checkLimits(trace, limits);
    expect(pipeline.safety.state).toBe('active');
  });

  it('replaces a running motion smoothly: no jump in the reference state at the switch', () => {
    const { limits, otg, step, trace } = setup();
    otg.setPositions(PANDA_HOME.map((q) => q + 0.5));
    for (let i = 0; i < 300; i++) step();
    const at = trace.q.length;
    otg.setPositions(PANDA_HOME.map((q) => q - 0.2)); // reverse mid-motion
    for (let i = 0; i < 3000; i++) step();
    for (let k = 0; k < model.nq; k++) {
      // Continuity across the switch: the step is one tick of bounded motion.
      expect(Math.abs(trace.q[at][k] - trace.q[at - 1][k])).toBeLessThanOrEqual(limits.velocity[k] * dt * (1 + 1e-9));
      expect(Math.abs(trace.v[at][k] - trace.v[at - 1][k])).toBeLessThanOrEqual(limits.acceleration[k] * dt * (1 + 1e-9));
      expect(trace.q[trace.q.length - 1][k]).toBeCloseTo(PANDA_HOME[k] - 0.2, 9);
    }
    checkLimits(trace, limits);
  });

  it('clamps setpoints into the position limits and rejects bad input by naming it', () => {
    const { limits, otg, step, pipeline } = setup();
    const far = PANDA_HOME.slice();
    far[0] = 100;
    expect(otg.setPositions(far)).toBe('');
    for (let i = 0; i < 20000 && otg.duration >= 0; i++) {
      step();
      if (i > 10 && otg.duration === 0) break;
    }
    expect(pipeline.ctx.qRef[0]).toBeCloseTo(limits.upper[0], 9);
    expect(otg.setPositions([1, 2])).toMatch(/positions has 2 values, expected 7/);
    expect(otg.setPositions(PANDA_HOME.map((q, k) => (k === 3 ? Number.NaN : q)))).toMatch(/positions\[3\] = NaN/);
  });
});
