// Tuning tools against closed forms: step metrics of first- and second-order responses, relay
// autotune on a third-order lag (analytic ultimate gain and period), chirp frequency response
// against the analytic transfer function, and margins.
import { describe, expect, it } from 'vitest';
import { stepMetrics } from '../../control/tuning/step-metrics.ts';
import { RelayAutotune, gainsFromUltimate } from '../../control/tuning/relay-autotune.ts';
import { Chirp, estimateFrequencyResponse, logFrequencies, openLoopFromClosedLoop, summarizeResponse } from '../../control/tuning/frequency-response.ts';

/** Unit step response of ωn²/(s² + 2ζωn s + ωn²), 0 < ζ < 1. */
function secondOrder(zeta: number, wn: number, t: number): number {
  const wd = wn * Math.sqrt(1 - zeta * zeta);
  return 1 - (Math.exp(-zeta * wn * t) / Math.sqrt(1 - zeta * zeta)) * Math.sin(wd * t + Math.acos(zeta));
}

/** First time in [lo, hi] where f crosses level (f(lo) < level <= f(hi)), by bisection. */
function crossing(f: (t: number) => number, level: number, lo: number, hi: number): number {
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < level) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** K/(τs + 1)^3 as three cascaded lags, integrated by RK4 at step h with the input held. */
class ThirdOrderLag {
  readonly x = new Float64Array(3);
  constructor(readonly gain: number, readonly tau: number) {}
  private derivative(x: Float64Array, u: number, out: Float64Array): void {
    out[0] = (this.gain * u - x[0]) / this.tau;
    out[1] = (x[0] - x[1]) / this.tau;
    out[2] = (x[1] - x[2]) / this.tau;
  }
  step(u: number, h: number): number {
    const k = [new Float64Array(3), new Float64Array(3), new Float64Array(3), new Float64Array(3)];
    const tmp = new Float64Array(3);
    this.derivative(this.x, u, k[0]);
    for (let i = 0; i < 3; i++) tmp[i] = this.x[i] + (h / 2) * k[0][i];
    this.derivative(tmp, u, k[1]);
    for (let i = 0; i < 3; i++) tmp[i] = this.x[i] + (h / 2) * k[1][i];
    this.derivative(tmp, u, k[2]);
    for (let i = 0; i < 3; i++) tmp[i] = this.x[i] + h * k[2][i];
    this.derivative(tmp, u, k[3]);
    for (let i = 0; i < 3; i++) this.x[i] += (h / 6) * (k[0][i] + 2 * k[1][i] + 2 * k[2][i] + k[3][i]);
    return this.x[2];
  }
}

describe('stepMetrics', () => {
  it('matches the closed forms of an underdamped second-order response', () => {
    const zeta = 0.3, wn = 10, dt = 1e-4;
    const n = Math.round(3 / dt);
    const t = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      t[i] = i * dt;
      y[i] = 2 + 0.5 * secondOrder(zeta, wn, t[i]); // step from 2 to 2.5
    }
    const m = stepMetrics(t, y, 2, 2.5);
    const f = (s: number) => secondOrder(zeta, wn, s);
    const wd = wn * Math.sqrt(1 - zeta * zeta);
    expect(m.overshoot).toBeCloseTo(Math.exp((-Math.PI * zeta) / Math.sqrt(1 - zeta * zeta)), 4);
    expect(m.peakTime).toBeCloseTo(Math.PI / wd, 3);
    expect(m.riseTime).toBeCloseTo(crossing(f, 0.9, 0, Math.PI / wd) - crossing(f, 0.1, 0, Math.PI / wd), 3);
    // 2 % settling: the last time |y − 1| reaches 0.02, found on a fine grid of the closed form.
    let last = 0;
    for (let s = 0; s < 3; s += 1e-5) if (Math.abs(f(s) - 1) > 0.02) last = s;
    expect(m.settlingTime).toBeCloseTo(last, 3);
    // Still ringing after 3 s: bounded by the envelope over the last 5 % of the record.
    expect(Math.abs(m.steadyStateError)).toBeLessThan((0.5 * Math.exp(-zeta * wn * 2.85)) / Math.sqrt(1 - zeta * zeta));
  });

  it('IAE and ITAE of a first-order response are τ and τ² (times the step)', () => {
    const tau = 0.2, dt = 1e-4;
    const n = Math.round(4 / dt);
    const t = Float64Array.from({ length: n }, (_, i) => i * dt);
    const y = t.map((s) => 1 - Math.exp(-s / tau));
    const m = stepMetrics(t, y, 0, 1);
    expect(m.iae).toBeCloseTo(tau, 4);
    expect(m.itae).toBeCloseTo(tau * tau, 4);
    expect(m.overshoot).toBe(0);
    expect(m.riseTime).toBeCloseTo(tau * Math.log(9), 3);
  });

  it('rejects unusable input naming the problem', () => {
    expect(() => stepMetrics([0, 1], [0], 0, 1)).toThrow(/t has 2 samples and y 1/);
    expect(() => stepMetrics([0, 1], [0, 1], 1, 1)).toThrow(/non-zero step/);
  });
});

describe('relay autotune', () => {
  it('finds the ultimate gain and period of K/(τs+1)³ (Ku = 8/K, Tu = 2πτ/√3) within the describing-function error', () => {
    const K = 2, tau = 0.1, h = 1e-4;
    const plant = new ThirdOrderLag(K, tau);
    const relay = new RelayAutotune({ setpoint: 0, amplitude: 1, hysteresis: 0, timeout: 20 });
    let y = 0;
    for (let i = 0; i < 200_000 && relay.status === 'running'; i++) {
      const u = relay.update(i * h, y);
      y = plant.step(u, h);
    }
    expect(relay.status).toBe('done');
    const ku = 8 / K, tu = (2 * Math.PI * tau) / Math.sqrt(3);
    // Measured: Tu within 1 %, Ku within 3 % (the first-harmonic approximation of the describing function).
    expect(Math.abs(relay.tu - tu) / tu).toBeLessThan(0.02);
    expect(Math.abs(relay.ku - ku) / ku).toBeLessThan(0.05);
    const gains = relay.gains('ziegler-nichols-pid');
    expect(gains.kp).toBeCloseTo(0.6 * relay.ku, 12);
    expect(gains.ki).toBeCloseTo((0.6 * relay.ku) / (0.5 * relay.tu), 12);
    expect(gains.kd).toBeCloseTo(0.6 * relay.ku * 0.125 * relay.tu, 12);
  });

  it('step(io) gives the same outputs as update(t, y) (its allocation: tuning-allocation.test.ts)', () => {
    const K = 2, tau = 0.1, h = 1e-4;
    const a = new RelayAutotune({ setpoint: 0, amplitude: 1, hysteresis: 0.001, timeout: 1e9, tolerance: 1e-12 });
    const b = new RelayAutotune({ setpoint: 0, amplitude: 1, hysteresis: 0.001, timeout: 1e9, tolerance: 1e-12 });
    const plantA = new ThirdOrderLag(K, tau), plantB = new ThirdOrderLag(K, tau);
    const io = new Float64Array(3);
    let ya = 0, yb = 0;
    for (let i = 0; i < 20_000; i++) {
      const ua = a.update(i * h, ya);
      io[0] = i * h;
      io[1] = yb;
      b.step(io);
      expect(io[2]).toBe(ua);
      ya = plantA.step(ua, h);
      yb = plantB.step(io[2], h);
    }
  });

  it('refuses gains before it is done and bad rules or inputs', () => {
    const relay = new RelayAutotune({ setpoint: 0, amplitude: 1 });
    expect(() => relay.gains('ziegler-nichols-pid')).toThrow(/running/);
    expect(() => gainsFromUltimate('nope' as never, 1, 1)).toThrow(/tuning rule "nope"/);
    expect(() => gainsFromUltimate('ziegler-nichols-p', -1, 1)).toThrow(/expected finite > 0/);
    expect(() => new RelayAutotune({ setpoint: 0, amplitude: 0 })).toThrow(/relay.amplitude = 0/);
  });
});

describe('chirp frequency response', () => {
  it('matches the analytic K/(τs+1)³ in magnitude and phase, and gives its margins', () => {
    const K = 4, tau = 1 / (2 * Math.PI * 0.5), dt = 1e-3; // poles at 0.5 Hz
    // The sweep covers 5x beyond the band read (0.1..2 Hz): a whole-record estimate is biased
    // where the sweep starts or ends (measured: ~10 % at the band edge when it starts at f/2).
    const chirp = new Chirp(0.02, 10, 200, 1);
    const n = Math.round(200 / dt);
    const u = new Float64Array(n), y = new Float64Array(n);
    const plant = new ThirdOrderLag(K, tau);
    for (let i = 0; i < n; i++) {
      u[i] = chirp.value(i * dt);
      y[i] = plant.step(u[i], dt);
    }
    const frequencies = logFrequencies(0.1, 2, 25);
    const r = estimateFrequencyResponse(u, y, dt, frequencies);
    for (let j = 0; j < frequencies.length; j++) {
      const w = 2 * Math.PI * frequencies[j] * tau;
      const magnitude = K / Math.pow(1 + w * w, 1.5);
      const phase = (-3 * Math.atan(w) * 180) / Math.PI;
      expect(Math.abs(r.magnitude[j] - magnitude) / magnitude).toBeLessThan(0.04);
      expect(Math.abs(r.phaseDeg[j] - phase)).toBeLessThan(2.5);
    }
    // Margins: phase crossover at ωτ = √3 where |L| = K/8 (GM = 20·log10(8/K));
    // gain crossover where (1 + (ωτ)²)^1.5 = K, phase margin 180 − 3·atan(ωτ).
    const s = summarizeResponse(r);
    const fPhase = Math.sqrt(3) / (2 * Math.PI * tau);
    const wGain = Math.sqrt(Math.pow(K, 2 / 3) - 1);
    expect(s.phaseCrossover).toBeCloseTo(fPhase, 1);
    expect(s.gainMarginDb).toBeCloseTo(20 * Math.log10(8 / K), 0);
    expect(s.gainCrossover).toBeCloseTo(wGain / (2 * Math.PI * tau), 1);
    expect(Math.abs(s.phaseMarginDeg - (180 - (3 * Math.atan(wGain) * 180) / Math.PI))).toBeLessThan(2);
    // Bandwidth (−3 dB): (1 + (ωτ)²)^1.5 = √2.
    expect(s.bandwidth).toBeCloseTo(Math.sqrt(Math.pow(2, 1 / 3) - 1) / (2 * Math.PI * tau), 1);
  });

  it('reads the open-loop margins off a measured closed loop: L = T/(1 − T) gives back L = K/(1 + jωτ)³ exactly', () => {
    const K = 4, tau = 0.05;
    const frequencies = logFrequencies(0.5, 50, 400);
    const m = frequencies.length;
    const closed = { frequency: frequencies, re: new Float64Array(m), im: new Float64Array(m), magnitude: new Float64Array(m), magnitudeDb: new Float64Array(m), phaseDeg: new Float64Array(m) };
    for (let j = 0; j < m; j++) {
      // L = K/(1 + jx)³ with x = ωτ; T = L/(1 + L).
      const x = 2 * Math.PI * frequencies[j] * tau;
      const dr = 1 - 3 * x * x, di = 3 * x - x * x * x; // (1 + jx)³
      const d2 = dr * dr + di * di;
      const lr = (K * dr) / d2, li = (-K * di) / d2;
      const er = 1 + lr, ei = li, e2 = er * er + ei * ei;
      closed.re[j] = (lr * er + li * ei) / e2;
      closed.im[j] = (li * er - lr * ei) / e2;
    }
    const open = openLoopFromClosedLoop(closed);
    const s = summarizeResponse(open);
    const wGain = Math.sqrt(Math.pow(K, 2 / 3) - 1);
    expect(s.phaseCrossover).toBeCloseTo(Math.sqrt(3) / (2 * Math.PI * tau), 3);
    expect(s.gainMarginDb).toBeCloseTo(20 * Math.log10(8 / K), 3);
    expect(s.gainCrossover).toBeCloseTo(wGain / (2 * Math.PI * tau), 3);
    expect(s.phaseMarginDeg).toBeCloseTo(180 - (3 * Math.atan(wGain) * 180) / Math.PI, 1);
    // Read off T itself, the same formulas give other numbers: T crosses 0 dB elsewhere (or not at all).
    const wrong = summarizeResponse(openLoopFromClosedLoop(open));
    expect(Math.abs(wrong.gainMarginDb - s.gainMarginDb)).toBeGreaterThan(1);
  });
});
