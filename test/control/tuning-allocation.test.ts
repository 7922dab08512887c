// The relay autotune's tick-path form allocates nothing; in the serial `alloc` project, where no
// other worker competes with the heap probe.
import { describe, expect, it } from 'vitest';
import { RelayAutotune } from '../../control/tuning/relay-autotune.ts';
import { ControlPipeline } from '../../control/pipeline.ts';
import { CascadeController } from '../../control/joint-controllers.ts';
import { GravityCompensation } from '../../control/model-based.ts';
import { HoldReference } from '../../control/hold-reference.ts';
import { RelayEffortController } from '../../control/tuning/tuning-run.ts';
import { measureHeapGrowth } from '../support/heap.ts';
import { AbaPlant, PANDA_HOME, panda } from './plant.ts';

describe('relay autotune allocation', () => {
  it('step(io) allocates < 1 B per call over 1e5 calls', () => {
    // A relay that keeps running (tolerance never met) on a slot fed from typed arrays.
    const h = 1e-4;
    const relay = new RelayAutotune({ setpoint: 0, amplitude: 1, hysteresis: 0.01, timeout: 1e9, tolerance: 1e-12 });
    const io = new Float64Array(3);
    const state = new Float64Array(2); // [t, y]
    const report = measureHeapGrowth(() => {
      io[0] = state[0];
      io[1] = Math.sin(state[0] * 30);
      relay.step(io);
      state[0] += h;
    }, { calls: 100_000, warmup: { calls: 20_000, seconds: 0.5 }, rounds: 3, sampleEvery: 10_000 });
    expect(relay.status).toBe('running');
    expect(report.bytesPerCall).toBeLessThan(1);
  });

  it('a relay test in the control pipeline (RelayEffortController over a gravity-compensated cascade) allocates < 1 B per tick', () => {
    const model = panda();
    const dt = 0.001;
    const plant = new AbaPlant(model, PANDA_HOME);
    plant.dt = dt;
    const gravity = new GravityCompensation(model);
    const cascade = new CascadeController(model.nq, { output: 'effort', position: { kp: 20 }, velocity: { kp: 20, ki: 50, integralMin: -20, integralMax: 20 }, feedforward: gravity.compute });
    const pipeline = new ControlPipeline({ model, ports: plant.ports, controller: cascade, reference: new HoldReference(model.nq) });
    for (let i = 0; i < 500; i++) {
      pipeline.tick(plant.t, dt);
      plant.advance();
    }
    // Never done (tolerance unreachable, no timeout), so every tick runs the relay.
    const relay = new RelayEffortController(cascade, 3, { setpoint: PANDA_HOME[3] + 0.05, amplitude: 2, hysteresis: 0.002, timeout: 1e9 });
    (relay.relay as unknown as { options: { tolerance: number } }).options.tolerance = -1;
    pipeline.setController(relay);
    const report = measureHeapGrowth(() => {
      pipeline.tick(plant.t, dt);
      plant.advance();
    }, { calls: 50_000, warmup: { calls: 10_000, seconds: 0.5 }, rounds: 3, sampleEvery: 10_000 });
    expect(relay.relay.status).toBe('running');
    expect(report.bytesPerCall).toBeLessThan(1);
  });
});
