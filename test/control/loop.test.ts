import { describe, expect, it } from 'vitest';
import { ControlLoop } from '../../control/loop.ts';
import { atomicsWait, type WaitStrategy } from '../../control/wait.ts';
import { RingStats } from '../../control/ring-stats.ts';

/** A wait strategy the test fires by hand, with a hand-driven clock. */
function manual() {
  let now = 0;
  let pending: (() => void) | undefined;
  let deadline = 0;
  const wait: WaitStrategy = {
    name: 'manual',
    schedule(d, _clock, wake) {
      deadline = d;
      pending = wake;
    },
    cancel() {
      pending = undefined;
    },
  };
  return {
    wait,
    clock: () => now,
    advance: (dt: number) => (now += dt),
    fire() {
      if (now < deadline) now = deadline;
      const w = pending;
      pending = undefined;
      w?.();
    },
  };
}

describe('ControlLoop', () => {
  it('ticks on absolute deadlines: a late wake does not shift later deadlines', () => {
    const m = manual();
    const times: number[] = [];
    const loop = new ControlLoop((time) => times.push(time.t), { rate: 100, clock: m.clock, wait: m.wait });
    loop.start();
    m.fire();
    m.advance(0.014); // wake 4 ms after the second deadline
    m.fire();
    m.fire();
    expect(times.map((t) => +t.toFixed(9))).toEqual([0.01, 0.02, 0.03]);
    expect(loop.timing().lateness.max).toBeCloseTo(0.004, 9);
    loop.stop();
  });

  it('counts overruns and skips missed periods under the skip policy', () => {
    const m = manual();
    let ticks = 0;
    const loop = new ControlLoop(() => {
      ticks++;
      m.advance(0.025); // each tick takes 2.5 periods
    }, { rate: 100, clock: m.clock, wait: m.wait, overrun: 'skip' });
    loop.start();
    m.fire();
    m.fire();
    expect(ticks).toBe(2);
    expect(loop.overruns).toBe(2);
    expect(loop.skipped).toBe(4);
    expect(loop.caughtUp).toBe(0);
  });

  it('runs missed ticks back to back under the catch-up policy, capped', () => {
    const m = manual();
    let ticks = 0;
    const loop = new ControlLoop(() => {
      ticks++;
      if (ticks === 1) m.advance(0.035); // one long tick: 3.5 periods
    }, { rate: 100, clock: m.clock, wait: m.wait, overrun: 'catch-up', maxCatchUp: 10 });
    loop.start();
    m.fire();
    expect(loop.overruns).toBe(1);
    expect(loop.caughtUp).toBe(3);
    expect(loop.skipped).toBe(0);
    expect(ticks).toBe(4);
  });

  it('steps deterministically when externally clocked', () => {
    const seen: number[] = [];
    const loop = new ControlLoop((time) => seen.push(time.t, time.dt), { rate: 500 });
    loop.step(1);
    loop.step(1.002);
    expect(seen).toEqual([1, 0.002, 1.002, 0.002]);
    expect(loop.ticks).toBe(2);
  });

  it('step() without a time advances k·period from the last explicit time, without drift', () => {
    const seen: number[] = [];
    const loop = new ControlLoop((time) => seen.push(time.t), { rate: 1000 });
    for (let i = 0; i < 3; i++) loop.step();
    expect(seen).toEqual([0.001, 0.002, 0.003]);
    loop.step(10);
    for (let i = 0; i < 1_000_000; i++) loop.step();
    // 1e6 periods later: exactly base + k·period (no accumulated rounding of repeated additions).
    expect(loop.lastStepTime).toBe(10 + 1_000_000 * 0.001);
    expect(loop.time.dt).toBe(0.001);
  });

  it('rejects bad options at build time', () => {
    expect(() => new ControlLoop(() => {}, { rate: 0 })).toThrow(/rate = 0/);
    expect(() => new ControlLoop(() => {}, { overrun: 'later' as never })).toThrow(/overrun/);
  });

  it('keeps 1 kHz in real time with Atomics.wait without drifting', async () => {
    let ticks = 0;
    const loop = new ControlLoop(() => ticks++, { rate: 1000, wait: atomicsWait() });
    const t0 = performance.now();
    loop.start();
    await new Promise((r) => setTimeout(r, 300));
    loop.stop();
    const elapsed = (performance.now() - t0) / 1000;
    const expected = elapsed * 1000;
    // Ticks + skipped periods account for every period (absolute deadlines); a loaded CI machine may skip some.
    expect(ticks + loop.skipped).toBeGreaterThan(expected - 15);
    expect(ticks + loop.skipped).toBeLessThan(expected + 2);
    expect(loop.timing().lateness.count).toBe(ticks);
  });
});

describe('RingStats', () => {
  it('reports percentiles of the window and the all-time max', () => {
    const r = new RingStats(100);
    for (let i = 1; i <= 150; i++) r.record(i);
    const s = r.summarize();
    expect(s.count).toBe(100);
    expect(s.p50).toBe(100);
    expect(s.p99).toBe(149);
    expect(s.max).toBe(150);
    r.record(-5);
    expect(r.allTimeMax).toBe(150);
  });
});
