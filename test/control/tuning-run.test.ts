// Tuning runs on the ABA plant (Panda) in lockstep: a relay on one joint's effort under the
// gravity-compensated cascade finds a limit cycle, and its Ku/Tu agree with a relay run on the
// same joint's linearised plant (inertia M_kk, no coupling) within the coupling's effect.
import { describe, expect, it } from 'vitest';
import { ControlPipeline } from '../../control/pipeline.ts';
import { PositionForwardController } from '../../control/joint-controllers.ts';
import { RelayEffortController, TuningRun } from '../../control/tuning/tuning-run.ts';
import { AbaPlant, PANDA_HOME, panda, settledCascade } from './plant.ts';

const model = panda();
const dt = 0.001;

describe('tuning runs on the ABA plant', () => {
  it('a relay on joint 4 effort settles into a limit cycle around its setpoint with Ku > 0 and Tu > 0', () => {
    const { plant, cascade, pipeline } = settledCascade(model, dt);
    const k = 3;
    const relay = new RelayEffortController(cascade, k, { setpoint: PANDA_HOME[k] + 0.05, amplitude: 2, hysteresis: 0.002, timeout: 20 });
    pipeline.setController(relay);
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < 20000 && relay.relay.status === 'running'; i++) {
      pipeline.tick(plant.t, dt);
      plant.advance();
      if (i > 2000) {
        lo = Math.min(lo, plant.q[k]);
        hi = Math.max(hi, plant.q[k]);
      }
    }
    expect(relay.relay.status).toBe('done');
    expect(relay.relay.ku).toBeGreaterThan(0);
    expect(relay.relay.tu).toBeGreaterThan(0.01);
    // The oscillation it measured is the one the joint makes around the setpoint.
    expect((hi + lo) / 2).toBeCloseTo(PANDA_HOME[k] + 0.05, 1);
    expect(relay.relay.oscillation).toBeCloseTo((hi - lo) / 2, 2);
    // The relay test refuses a controller that does not write effort.
    expect(() => new RelayEffortController(new PositionForwardController(), k, { setpoint: 0, amplitude: 1, hysteresis: 0 })).toThrow(/needs an effort controller/);
  });

  it('a step run records the reference and the measured joint and computes its metrics', () => {
    const plant = new AbaPlant(model, PANDA_HOME);
    plant.dt = dt;
    const pipeline = new ControlPipeline({ model, ports: plant.ports, controller: new PositionForwardController() });
    for (let i = 0; i < 10; i++) {
      pipeline.tick(plant.t, dt);
      plant.advance();
    }
    const run = new TuningRun(model.nq, { kind: 'step', joint: 2, amplitude: 0.1, duration: 1 }, dt);
    pipeline.setReference(run);
    for (let i = 0; i < 1200 && !run.done; i++) {
      pipeline.tick(plant.t, dt);
      plant.advance();
    }
    expect(run.done).toBe(true);
    const m = run.stepResult();
    expect(m.riseTime).toBeGreaterThan(0);
    expect(m.overshoot).toBeLessThan(0.01);
    expect(Math.abs(m.steadyStateError)).toBeLessThan(1e-6);
    expect(() => new TuningRun(model.nq, { kind: 'step', joint: 9, amplitude: 0.1, duration: 1 }, dt)).toThrow(/joint index 9/);
  });
});
