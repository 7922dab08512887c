// The tick allocates nothing: 1e5 ticks of the full pipeline (Panda, computed torque, trajectory
// controller, limiter, safety) with no garbage collection and bounded heap growth.
import { PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { ControlPipeline } from '../../control/pipeline.ts';
import { ComputedTorqueController } from '../../control/model-based.ts';
import { CascadeController, PositionForwardController } from '../../control/joint-controllers.ts';
import { JointTrajectoryController } from '../../control/joint-trajectory.ts';
import { JogReference } from '../../control/jog.ts';
import { ControlLoop } from '../../control/loop.ts';
import { AbaPlant, PANDA_HOME, panda } from './plant.ts';

const model = panda();

async function gcCountDuring(run: () => void): Promise<{ gcs: number; heapGrowth: number }> {
  let gcs = 0;
  let start = 0;
  let end = 0;
  // Count only collections that started while the ticks ran (not during the wait for delivery).
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.startTime >= start && entry.startTime <= end) gcs++;
  });
  observer.observe({ entryTypes: ['gc'] });
  const before = process.memoryUsage().heapUsed;
  start = performance.now();
  run();
  end = performance.now();
  const heapGrowth = process.memoryUsage().heapUsed - before;
  await new Promise((r) => setTimeout(r, 50)); // gc entries are delivered asynchronously
  observer.disconnect();
  return { gcs, heapGrowth };
}

function setup(reference: 'trajectory' | 'jog', controllerKind: 'position' | 'cascade' | 'computed-torque') {
  const plant = new AbaPlant(model, PANDA_HOME);
  const jtc = new JointTrajectoryController({ jointNames: model.jointNames });
  const controller =
    controllerKind === 'position' ? new PositionForwardController()
    : controllerKind === 'cascade' ? new CascadeController(model.nq, { output: 'velocity', position: { kp: 20 } })
    : new ComputedTorqueController(model, { kp: 400 });
  const pipeline = new ControlPipeline({ model, ports: plant.ports, controller, reference: jtc, safety: { commandTimeout: 1e9 } });
  const loop = new ControlLoop((t, dt) => pipeline.tick(t, dt), { rate: 1000 });
  let t = 0;
  const step = () => {
    loop.step(t);
    plant.step(t, 0.001);
    t += 0.001;
  };
  for (let i = 0; i < 20; i++) step();
  if (reference === 'trajectory') {
    jtc.setTrajectory({
      jointNames: model.jointNames,
      points: Array.from({ length: 50 }, (_, i) => ({ positions: PANDA_HOME.map((q) => q + 0.2 * Math.sin(i / 5)), timeFromStart: 2 * (i + 1) })),
    });
  } else {
    const jog = new JogReference(model, pipeline.limiter.limits, { timeout: 1e9 });
    jog.twist([0.01, 0, 0], [0, 0, 0]);
    pipeline.setReference(jog);
  }
  return step;
}

describe('zero allocation per tick', () => {
  for (const [reference, controller] of [['trajectory', 'position'], ['jog', 'cascade'], ['trajectory', 'computed-torque']] as const) {
    it(`1e5 ticks with the ${reference} reference and the ${controller} controller cause no GC and < 1 MB heap growth`, async () => {
      const step = setup(reference, controller);
      for (let i = 0; i < 20_000; i++) step(); // warm-up (JIT)
      const { gcs, heapGrowth } = await gcCountDuring(() => {
        for (let i = 0; i < 100_000; i++) step();
      });
      expect(heapGrowth).toBeLessThan(1 << 20);
      expect(gcs).toBe(0);
    });
  }

  it('the measure can fail: a tick that allocates is caught', async () => {
    let sink: number[] = [];
    const { gcs, heapGrowth } = await gcCountDuring(() => {
      for (let i = 0; i < 100_000; i++) sink = [i, i + 1, i + 2, i + 3];
    });
    expect(sink.length).toBe(4);
    expect(gcs > 0 || heapGrowth >= 1 << 20).toBe(true);
  });
});
