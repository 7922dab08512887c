// The tick allocates nothing: 1e5 ticks of the full pipeline (Panda: estimate, reference,
// controller, limiter, safety, port write), driven by ControlLoop.step() in lockstep with the ABA
// plant, measured with a precise heap probe (gc exposed, heap sampled every 10 000 ticks).
// The bound is 1 B per tick on average: one boxed double per tick (16 B) fails it by 16x, and the
// last test shows the probe catching exactly that.
import { describe, expect, it } from 'vitest';
import { ControlPipeline } from '../../control/pipeline.ts';
import { ComputedTorqueController, GravityCompensation, JointImpedanceController } from '../../control/model-based.ts';
import { CascadeController, PositionForwardController } from '../../control/joint-controllers.ts';
import { JointTrajectoryController } from '../../control/joint-trajectory.ts';
import { JogReference } from '../../control/jog.ts';
import { SetpointStream } from '../../control/hold-reference.ts';
import { OtgSetpointReference } from '../../control/otg-reference.ts';
import { ControlLoop } from '../../control/loop.ts';
import type { Controller, ReferenceSource } from '../../control/context.ts';
import { AbaPlant, PANDA_HOME, panda } from './plant.ts';
import { measureHeapGrowth } from '../support/heap.ts';

// The probe's options: a warm-up of 20 000 calls and 0.5 s of wall time (the optimizing compiler
// works on a background thread), best of 3 rounds, heapUsed read every 10 000 calls.
const PROBE = { calls: 100_000, warmup: { calls: 20_000, seconds: 0.5 }, rounds: 3, sampleEvery: 10_000 };

const model = panda();
// Under 2 B a tick: one boxed double a tick is 16 B; a quiet run reads 0, a busy one up to ~2.
const BOUND_BYTES_PER_TICK = 2;

type ReferenceKind = 'trajectory' | 'jog-twist' | 'jog-joint' | 'setpoint' | 'otg';
type ControllerKind = 'position' | 'cascade-velocity' | 'cascade-effort' | 'computed-torque' | 'impedance';

function controllerOf(kind: ControllerKind): Controller {
  switch (kind) {
    case 'position':
      return new PositionForwardController();
    case 'cascade-velocity':
      return new CascadeController(model.nq, { output: 'velocity', position: { kp: 20 } });
    case 'cascade-effort': {
      const gravity = new GravityCompensation(model);
      return new CascadeController(model.nq, { output: 'effort', position: { kp: 20 }, velocity: { kp: 5, ki: 10, tf: 0.002 }, feedforward: gravity.compute });
    }
    case 'computed-torque':
      return new ComputedTorqueController(model, { kp: 400 });
    case 'impedance':
      return new JointImpedanceController(model, { stiffness: 200 });
  }
}

/** A pipeline on the plant in lockstep; returns the allocation-free step function. */
function setup(reference: ReferenceKind, controllerKind: ControllerKind): { step: () => void; pipeline: ControlPipeline; source: ReferenceSource } {
  const plant = new AbaPlant(model, PANDA_HOME);
  plant.dt = 0.001;
  const jtc = new JointTrajectoryController({ jointNames: model.jointNames });
  const pipeline = new ControlPipeline({ model, ports: plant.ports, controller: controllerOf(controllerKind), reference: jtc, safety: { commandTimeout: 1e9 } });
  const loop = new ControlLoop((time) => pipeline.update(time), { rate: 1000 });
  const step = () => {
    loop.step();
    plant.advance();
  };
  for (let i = 0; i < 20; i++) step();
  let source: ReferenceSource = jtc;
  if (reference === 'trajectory') {
    jtc.setTrajectory({
      jointNames: model.jointNames,
      points: Array.from({ length: 50 }, (_, i) => ({ positions: PANDA_HOME.map((q) => q + 0.2 * Math.sin(i / 5)), timeFromStart: 4 * (i + 1) })),
    });
  } else if (reference === 'otg') {
    // One long motion (limits scaled to 0.1 %: ~1000 s to the upper limits) so every measured tick
    // steps the generator. Replanning is not in this window: a new setpoint costs ~4 kB after
    // warm-up (see the report), made at most a few times a second by a slider.
    const otg = new OtgSetpointReference(pipeline.limiter.limits, { limitScale: 0.001 });
    otg.setPositions(pipeline.limiter.limits.upper);
    pipeline.setReference(otg);
    source = otg;
  } else if (reference === 'setpoint') {
    const stream = new SetpointStream(model.nq);
    stream.setPositions(PANDA_HOME.map((q) => q + 0.3));
    pipeline.setReference(stream);
    source = stream;
  } else {
    const jog = new JogReference(model, pipeline.limiter.limits, { timeout: 1e9 });
    if (reference === 'jog-twist') jog.twist([0.005, 0, 0], [0, 0, 0]);
    else jog.jointJog([model.jointNames[0], model.jointNames[2]], [0.02, -0.02]);
    pipeline.setReference(jog);
    source = jog;
  }
  return { step, pipeline, source };
}

describe('zero allocation per tick', () => {
  const cases: [ReferenceKind, ControllerKind][] = [
    ['trajectory', 'position'],
    ['jog-twist', 'cascade-velocity'],
    ['jog-joint', 'cascade-effort'],
    ['setpoint', 'impedance'],
    ['trajectory', 'computed-torque'],
  ];
  for (const [reference, controller] of cases) {
    it(`1e5 ticks with the ${reference} reference and the ${controller} controller allocate < ${BOUND_BYTES_PER_TICK} B per tick`, () => {
      const { step, pipeline, source } = setup(reference, controller);
      const report = measureHeapGrowth(step, PROBE);
      // The pipeline really ran the configuration (not an idle or faulted loop).
      expect(pipeline.safety.state).toBe('active');
      expect(pipeline.activeReference).toBe(source);
      expect(report.bytesPerCall).toBeLessThan(BOUND_BYTES_PER_TICK);
    });
  }

  it(`the OTG setpoint reference allocates < ${BOUND_BYTES_PER_TICK} B per tick (the generator passes its time to Trajectory.atSlot in a slot)`, () => {
    const { step, pipeline, source } = setup('otg', 'position');
    const report = measureHeapGrowth(step, PROBE);
    expect(pipeline.safety.state).toBe('active');
    expect(pipeline.activeReference).toBe(source);
    expect((source as OtgSetpointReference).duration).toBeGreaterThan(0);
    expect(report.bytesPerCall).toBeLessThan(BOUND_BYTES_PER_TICK);
  });

  it('the probe catches a tick that boxes one double (16 B per tick)', () => {
    const { step } = setup('trajectory', 'position');
    let t = 0; // a closure slot holding a double: every store allocates a heap number
    const report = measureHeapGrowth(() => {
      step();
      t += 0.001;
    }, PROBE);
    expect(t).toBeGreaterThan(100);
    expect(report.bytesPerCall).toBeGreaterThan(8 * BOUND_BYTES_PER_TICK);
  });
});
