// The Tuning tab's analysis against closed forms: step metrics of first- and second-order
// responses, the frequency response and margins of a simulated loop L = K/(s(τs+1)), and gain
// rules cross-checked against control/tuning (the loop's own implementation).
import { describe, expect, it } from 'vitest';
import { frequencyResponse, gainsByRule, logSpace, loopFigures, openLoopFromClosed, stepResponseMetrics } from '../../web/src/tuning-analysis.ts';
import { stepMetrics } from '../../control/tuning/step-metrics.ts';
import { gainsFromUltimate } from '../../control/tuning/relay-autotune.ts';

const range = (n: number, dt: number) => Float64Array.from({ length: n }, (_, i) => i * dt);

describe('tuning analysis', () => {
  it('first-order step: rise τ·ln 9, settling τ·ln 50, IAE τ, no overshoot', () => {
    const tau = 0.05;
    const t = range(20001, 1e-4);
    const y = t.map((x) => 0.3 + 0.2 * (1 - Math.exp(-x / tau)));
    const m = stepResponseMetrics(t, y, 0.3, 0.5);
    expect(m.rise).toBeCloseTo(tau * Math.log(9), 3);
    expect(m.settling).toBeCloseTo(tau * Math.log(50), 3);
    expect(m.iae).toBeCloseTo(0.2 * tau, 5);
    expect(m.overshoot).toBe(0);
    const loop = stepMetrics(t, y, 0.3, 0.5);
    expect(m.rise).toBeCloseTo(loop.riseTime, 9);
    expect(m.settling).toBeCloseTo(loop.settlingTime, 9);
    expect(m.iae).toBeCloseTo(loop.iae, 9);
  });

  it('second-order step: overshoot exp(−ζπ/√(1−ζ²))', () => {
    const zeta = 0.3;
    const wn = 40;
    const wd = wn * Math.sqrt(1 - zeta * zeta);
    const phi = Math.acos(zeta);
    const t = range(20001, 1e-4);
    const y = t.map((x) => 1 - (Math.exp(-zeta * wn * x) / Math.sqrt(1 - zeta * zeta)) * Math.sin(wd * x + phi));
    const m = stepResponseMetrics(t, y, 0, 1);
    expect(m.overshoot).toBeCloseTo(Math.exp((-zeta * Math.PI) / Math.sqrt(1 - zeta * zeta)), 3);
    expect(m.settling).toBeGreaterThan(3 / (zeta * wn)); // 2 % band: about 4/(ζωn)
    expect(m.settling).toBeLessThan(5 / (zeta * wn));
    expect(() => stepResponseMetrics(t, y, 1, 1)).toThrow(/step size 0/);
  });

  it('chirp through L = K/(s(τs+1)) in unity feedback: closed-loop gain, bandwidth and phase margin match the closed forms', () => {
    const K = 30;
    const tau = 0.01;
    const dt = 1e-3; // 1 kHz record like the controller state
    const f0 = 0.5;
    const f1 = 40;
    const duration = 20;
    const n = Math.round(duration / dt);
    const t = new Float64Array(n);
    const u = new Float64Array(n);
    const y = new Float64Array(n);
    // τ·y'' + y' = K·(u − y), integrated with RK4 on 10 sub-steps per sample.
    let x = 0;
    let v = 0;
    const k = Math.log(f1 / f0) / duration;
    const input = (time: number) => 0.02 * Math.sin((2 * Math.PI * f0 * (Math.exp(k * time) - 1)) / k);
    const h = dt / 10;
    for (let i = 0; i < n; i++) {
      t[i] = i * dt;
      u[i] = input(t[i]);
      y[i] = x;
      for (let s = 0; s < 10; s++) {
        const time = t[i] + s * h;
        const acc = (tt: number, xx: number, vv: number) => (K * (input(tt) - xx) - vv) / tau;
        const a1 = acc(time, x, v);
        const a2 = acc(time + h / 2, x + (h / 2) * v, v + (h / 2) * a1);
        const a3 = acc(time + h / 2, x + (h / 2) * (v + (h / 2) * a1), v + (h / 2) * a2);
        const a4 = acc(time + h, x + h * (v + (h / 2) * a2), v + h * a3);
        x += h * (v + (h / 6) * (a1 + a2 + a3));
        v += (h / 6) * (a1 + 2 * a2 + 2 * a3 + a4);
      }
    }
    const closed = frequencyResponse(t, u, y, logSpace(1, 30, 40));
    expect(closed.frequency.length).toBe(40);
    for (let i = 0; i < closed.frequency.length; i++) {
      const w = 2 * Math.PI * closed.frequency[i];
      // T(jw) = K / (K − τw² + jw)
      const re = K - tau * w * w;
      const magnitudeDb = 20 * Math.log10(K / Math.hypot(re, w));
      const phaseDeg = (-Math.atan2(w, re) * 180) / Math.PI;
      expect(Math.abs(closed.magnitudeDb[i] - magnitudeDb)).toBeLessThan(0.5);
      expect(Math.abs(closed.phaseDeg[i] - phaseDeg)).toBeLessThan(4);
    }
    const open = openLoopFromClosed(closed);
    const figures = loopFigures(closed, open);
    // Crossover: K = w·sqrt(1 + τ²w²); phase margin 90° − atan(τ·w).
    const wc = Math.sqrt((-1 + Math.sqrt(1 + 4 * tau * tau * K * K)) / (2 * tau * tau));
    expect(figures.gainCrossover).toBeCloseTo(wc / (2 * Math.PI), 0);
    expect(Math.abs(figures.phaseMargin - (90 - (Math.atan(tau * wc) * 180) / Math.PI))).toBeLessThan(3);
    expect(figures.gainMargin).toBeNaN(); // phase never reaches −180°
    // −3 dB of |T|: solve numerically on a fine grid.
    let bandwidth = Number.NaN;
    for (let f = 1; f < 30; f += 1e-3) {
      const w = 2 * Math.PI * f;
      if (20 * Math.log10(K / Math.hypot(K - tau * w * w, w)) < -3) {
        bandwidth = f;
        break;
      }
    }
    expect(Math.abs(figures.bandwidth - bandwidth) / bandwidth).toBeLessThan(0.05);
  });

  it('frequencies above 0.4 × the sample rate are dropped (no aliased points)', () => {
    const t = range(1000, 0.02); // 50 Hz
    const u = t.map((x) => Math.sin(2 * Math.PI * 3 * x));
    const bode = frequencyResponse(t, u, u, [1, 10, 19, 25, 40]);
    expect(bode.frequency).toEqual([1, 10, 19]);
  });

  it('gains by rule agree with control/tuning for Ziegler–Nichols and Tyreus–Luyben', () => {
    expect(gainsByRule('Ziegler–Nichols PID', 20, 0.1)).toEqual(gainsFromUltimate('ziegler-nichols-pid', 20, 0.1));
    const ours = gainsByRule('Tyreus–Luyben PID', 20, 0.1);
    const theirs = gainsFromUltimate('tyreus-luyben-pid', 20, 0.1);
    for (const key of ['kp', 'ki', 'kd'] as const) expect(ours[key]).toBeCloseTo(theirs[key], 12);
    expect(() => gainsByRule('Ziegler–Nichols PID', Number.NaN, 1)).toThrow(/Ku = NaN/);
    expect(() => gainsByRule('magic', 1, 1)).toThrow(/rule "magic"/);
  });
});
