// The relay autotune's tick-path form allocates nothing; in the serial `alloc` project, where no
// other worker competes with the heap probe.
import { describe, expect, it } from 'vitest';
import { RelayAutotune } from '../../control/tuning/relay-autotune.ts';
import { RelayEffortController } from '../../control/tuning/tuning-run.ts';
import { measureHeapGrowth } from '../support/heap.ts';
import { PANDA_HOME, panda, settledCascade } from './plant.ts';

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
    const dt = 0.001;
    const { plant, cascade, pipeline } = settledCascade(panda(), dt);
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
