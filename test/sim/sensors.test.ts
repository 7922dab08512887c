// Sensors: seeded determinism, noise statistics, bias, rate, delay, dropout and encoder
// quantization; and the real-time pacer's factor.
import { describe, expect, it } from 'vitest';
import { loadRobot } from '../../sim/load-robot.ts';
import { createPacer } from '../../sim/clock.ts';
import { createPlant } from '../../sim/plant.ts';
import { createRandom } from '../../sim/random.ts';
import { SensorChannel } from '../../sim/sensor-channel.ts';

describe('sensor channels', () => {
  const clock = new Float64Array(1);
  const run = (channel: SensorChannel, steps: number, truth: (t: number) => number) => {
    const out: { t: number; value: number; stamp: number; sequence: number }[] = [];
    for (let i = 0; i < steps; i++) {
      clock[0] = i * 1e-3;
      if (channel.due()) {
        channel.truth[0] = truth(clock[0]);
        channel.sample();
      }
      channel.deliver();
      out.push({ t: clock[0], value: channel.value[0], stamp: channel.stamp, sequence: channel.sequence });
    }
    return out;
  };

  it('is deterministic for a seed and differs across seeds; noise has the asked standard deviation, bias its mean', () => {
    const make = (seed: number) => new SensorChannel(1, { rate: Infinity, noise: 0.1, bias: 0.5, delay: 0 }, createRandom(seed), 1e-3, clock);
    const a = run(make(7), 20000, () => 0).map((s) => s.value);
    const b = run(make(7), 20000, () => 0).map((s) => s.value);
    const c = run(make(8), 20000, () => 0).map((s) => s.value);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const mean = a.reduce((x, y) => x + y, 0) / a.length;
    const sd = Math.sqrt(a.reduce((x, y) => x + (y - mean) ** 2, 0) / a.length);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(Math.abs(sd - 0.1) / 0.1).toBeLessThan(0.03);
  });

  it('samples at its rate and delivers each sample after its delay; a dropout freezes stamp and sequence', () => {
    const channel = new SensorChannel(1, { rate: 250, noise: 0, bias: 0, delay: 0.01 }, createRandom(1), 1e-3, clock);
    const out = run(channel, 200, (t) => t);
    const sequences = new Set(out.map((s) => s.sequence));
    expect(sequences.size).toBeGreaterThanOrEqual(47); // 200 ms at 250 Hz, minus the 10 ms delay
    for (const s of out.filter((x) => x.sequence > 0)) {
      expect(s.value).toBeCloseTo(s.stamp, 12); // the value is the truth at its sampling time
      expect(s.t - s.stamp).toBeGreaterThanOrEqual(0.01 - 1e-9);
      expect(s.t - s.stamp).toBeLessThan(0.01 + 0.004 + 1e-9);
    }
    channel.dropout = true;
    const frozen = channel.sequence;
    run(channel, 50, () => 1);
    expect(channel.sequence).toBe(frozen);
  });

  it('quantizes a joint-side encoder to its counts per revolution', () => {
    const { model } = loadRobot('ur5e');
    const counts = 4096;
    const plant = createPlant(model, { sensors: { encoder: { side: 'joint', countsPerRevolution: counts } }, q0: [0.123456, 0, 0, 0, 0, 0] });
    plant.step();
    const step = (2 * Math.PI) / counts;
    const reading = plant.sensors.position.value[0];
    expect(Math.abs(reading / step - Math.round(reading / step))).toBeLessThan(1e-9);
    expect(Math.abs(reading - 0.123456)).toBeLessThanOrEqual(step / 2 + 1e-12);
  });
});

describe('real-time pacer', () => {
  it('runs simulated time at the asked real-time factor', async () => {
    let steps = 0;
    const pacer = createPacer({ dt: 1e-3, realTimeFactor: 2, step: () => steps++ });
    pacer.start();
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 600));
    pacer.stop();
    const wall = (performance.now() - t0) / 1000;
    const factor = (steps * 1e-3) / wall;
    expect(factor).toBeGreaterThan(1.6);
    expect(factor).toBeLessThan(2.2);
    const before = steps;
    pacer.paused = true;
    pacer.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    pacer.stop();
    expect(steps).toBe(before);
  });
});
