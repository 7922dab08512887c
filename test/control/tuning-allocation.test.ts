// The relay autotune's tick-path form allocates nothing; in the serial `alloc` project, where no
// other worker competes with the heap probe.
import { describe, expect, it } from 'vitest';
import { RelayAutotune } from '../../control/tuning/relay-autotune.ts';
import { measureHeapGrowth } from '../support/heap.ts';

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
});
