// What the Tuning tab computes from a recorded response (the page may not import control/): step
// metrics, a closed-loop frequency response from a chirp record with its bandwidth and the margins
// of the open loop it implies, and PID gains from a relay test's ultimate gain and period. Pure.

/** Step-response metrics; times in s from the step, overshoot as a fraction of the step. */
export interface StepResult {
  /** 10 % → 90 % rise time (NaN when 90 % is never reached). */
  rise: number;
  overshoot: number;
  /** Time after which feedback stays within 2 % of the step of the target (NaN if it never settles). */
  settling: number;
  /** ∫|reference − feedback| dt over the record (rad·s). */
  iae: number;
  /** Target − mean of the last 5 % of the record. */
  steadyStateError: number;
}

/**
 * Metrics of a step from `initial` to `target` at time t[0], from feedback y (same length as t);
 * `reference` (same length) gives the IAE's error, defaulting to the target throughout.
 */
export function stepResponseMetrics(t: ArrayLike<number>, y: ArrayLike<number>, initial: number, target: number, reference?: ArrayLike<number>): StepResult {
  const n = t.length;
  if (n < 2 || y.length !== n || (reference && reference.length !== n)) throw new Error(`step record: ${n} times, ${y.length} samples, expected equal lengths >= 2`);
  const step = target - initial;
  if (!(Math.abs(step) > 0)) throw new Error(`step size ${step}, expected non-zero`);
  let t10 = Number.NaN;
  let t90 = Number.NaN;
  let best = -Infinity;
  let settledSince = Number.NaN;
  let iae = 0;
  for (let i = 0; i < n; i++) {
    const progress = (y[i] - initial) / step;
    if (Number.isNaN(t10) && progress >= 0.1) t10 = t[i];
    if (Number.isNaN(t90) && progress >= 0.9) t90 = t[i];
    if (progress > best) best = progress;
    const inside = Math.abs(y[i] - target) <= 0.02 * Math.abs(step);
    if (!inside) settledSince = Number.NaN;
    else if (Number.isNaN(settledSince)) settledSince = t[i];
    if (i > 0) {
      const r0 = reference ? reference[i - 1] : target;
      const r1 = reference ? reference[i] : target;
      iae += (0.5 * (Math.abs(r0 - y[i - 1]) + Math.abs(r1 - y[i]))) * (t[i] - t[i - 1]);
    }
  }
  const tail = Math.max(1, Math.floor(n * 0.05));
  let mean = 0;
  for (let i = n - tail; i < n; i++) mean += y[i] / tail;
  return {
    rise: t90 - t10,
    overshoot: Math.max(0, best - 1),
    settling: settledSince - t[0],
    iae,
    steadyStateError: target - mean,
  };
}

/** A frequency response: per frequency (Hz), magnitude (dB) and unwrapped phase (deg). */
export interface Bode {
  frequency: number[];
  magnitudeDb: number[];
  phaseDeg: number[];
}

/** `count` log-spaced frequencies from f0 to f1 (Hz). */
export function logSpace(f0: number, f1: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => f0 * Math.pow(f1 / f0, i / (count - 1)));
}

function unwrapDegrees(phase: number[]): void {
  for (let i = 1; i < phase.length; i++) {
    while (phase[i] - phase[i - 1] > 180) phase[i] -= 360;
    while (phase[i] - phase[i - 1] < -180) phase[i] += 360;
  }
}

/**
 * H(f) = Y(f)/U(f) from input u and output y sampled at times t (s, increasing; resampled to a
 * uniform grid first), by single-frequency DFTs with the means removed and a Hann window.
 * Frequencies above 0.4 × the sample rate are dropped.
 */
export function frequencyResponse(t: ArrayLike<number>, u: ArrayLike<number>, y: ArrayLike<number>, frequencies: readonly number[]): Bode & { re: number[]; im: number[] } {
  const n = t.length;
  if (n < 8 || u.length !== n || y.length !== n) throw new Error(`chirp record: ${n} samples, expected >= 8 with equal lengths`);
  const span = t[n - 1] - t[0];
  if (!(span > 0)) throw new Error(`chirp record spans ${span} s, expected > 0`);
  const dt = span / (n - 1);
  const m = n;
  const ur = new Float64Array(m);
  const yr = new Float64Array(m);
  let j = 0;
  for (let i = 0; i < m; i++) {
    const time = t[0] + i * dt;
    while (j < n - 2 && t[j + 1] < time) j++;
    const w = t[j + 1] > t[j] ? Math.min(1, Math.max(0, (time - t[j]) / (t[j + 1] - t[j]))) : 0;
    ur[i] = u[j] + w * (u[j + 1] - u[j]);
    yr[i] = y[j] + w * (y[j + 1] - y[j]);
  }
  let uMean = 0;
  let yMean = 0;
  for (let i = 0; i < m; i++) {
    uMean += ur[i] / m;
    yMean += yr[i] / m;
  }
  const out = { frequency: [] as number[], magnitudeDb: [] as number[], phaseDeg: [] as number[], re: [] as number[], im: [] as number[] };
  for (const f of frequencies) {
    if (!(f > 0) || f > 0.4 / dt) continue;
    let ure = 0, uim = 0, yre = 0, yim = 0;
    for (let i = 0; i < m; i++) {
      const window = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (m - 1));
      const angle = -2 * Math.PI * f * i * dt;
      const c = Math.cos(angle) * window;
      const s = Math.sin(angle) * window;
      ure += (ur[i] - uMean) * c;
      uim += (ur[i] - uMean) * s;
      yre += (yr[i] - yMean) * c;
      yim += (yr[i] - yMean) * s;
    }
    const denominator = ure * ure + uim * uim;
    if (!(denominator > 0)) continue;
    const re = (yre * ure + yim * uim) / denominator;
    const im = (yim * ure - yre * uim) / denominator;
    out.frequency.push(f);
    out.re.push(re);
    out.im.push(im);
    out.magnitudeDb.push(20 * Math.log10(Math.hypot(re, im)));
    out.phaseDeg.push((Math.atan2(im, re) * 180) / Math.PI);
  }
  unwrapDegrees(out.phaseDeg);
  return out;
}

/** The open loop L = T / (1 − T) implied by a unity-feedback closed loop T (given as re, im per frequency). */
export function openLoopFromClosed(closed: { frequency: number[]; re: number[]; im: number[] }): Bode {
  const out: Bode = { frequency: [], magnitudeDb: [], phaseDeg: [] };
  for (let i = 0; i < closed.frequency.length; i++) {
    const a = closed.re[i];
    const b = closed.im[i];
    const dr = 1 - a;
    const di = -b;
    const d = dr * dr + di * di;
    if (!(d > 1e-12)) continue;
    const re = (a * dr + b * di) / d;
    const im = (b * dr - a * di) / d;
    out.frequency.push(closed.frequency[i]);
    out.magnitudeDb.push(20 * Math.log10(Math.hypot(re, im)));
    out.phaseDeg.push((Math.atan2(im, re) * 180) / Math.PI);
  }
  unwrapDegrees(out.phaseDeg);
  // Anchor the unwrapped phase near 0 .. −360 at the lowest frequency (a servo loop's phase starts there).
  if (out.phaseDeg.length > 0) {
    const shift = 360 * Math.round(out.phaseDeg[0] / 360);
    for (let i = 0; i < out.phaseDeg.length; i++) out.phaseDeg[i] -= shift;
  }
  return out;
}

/** First frequency where `values` crosses `level` going down (log-interpolated), NaN if none. */
function crossing(frequency: number[], values: number[], level: number): number {
  for (let i = 1; i < values.length; i++) {
    if (values[i - 1] >= level && values[i] < level) {
      const w = (values[i - 1] - level) / (values[i - 1] - values[i]);
      return Math.exp(Math.log(frequency[i - 1]) + w * (Math.log(frequency[i]) - Math.log(frequency[i - 1])));
    }
  }
  return Number.NaN;
}

function interpolateAt(frequency: number[], values: number[], f: number): number {
  for (let i = 1; i < frequency.length; i++) {
    if (frequency[i] >= f) {
      const w = (Math.log(f) - Math.log(frequency[i - 1])) / (Math.log(frequency[i]) - Math.log(frequency[i - 1]));
      return values[i - 1] + w * (values[i] - values[i - 1]);
    }
  }
  return Number.NaN;
}

/** Closed-loop bandwidth and open-loop margins; NaN where the record does not reach the crossing. */
export interface LoopFigures {
  /** Where the closed loop's gain first falls below −3 dB (Hz); a position servo's DC gain is 0 dB, and the lowest points of a short chirp are too noisy to serve as the reference. */
  bandwidth: number;
  /** Open-loop gain crossover (Hz) and phase margin there (deg). */
  gainCrossover: number;
  phaseMargin: number;
  /** Open-loop phase crossover (−180°, Hz) and gain margin there (dB). */
  phaseCrossover: number;
  gainMargin: number;
}

/** Bandwidth of the closed loop and margins of the open loop. */
export function loopFigures(closed: Bode, open: Bode): LoopFigures {
  const bandwidth = crossing(closed.frequency, closed.magnitudeDb, -3);
  const gainCrossover = crossing(open.frequency, open.magnitudeDb, 0);
  const phaseMargin = 180 + interpolateAt(open.frequency, open.phaseDeg, gainCrossover);
  const phaseCrossover = crossing(open.frequency, open.phaseDeg, -180);
  const gainMargin = -interpolateAt(open.frequency, open.magnitudeDb, phaseCrossover);
  return { bandwidth, gainCrossover, phaseMargin, phaseCrossover, gainMargin };
}

/**
 * PID rules over the ultimate gain Ku and period Tu as (kp/Ku, Ti/Tu, Td/Tu). Sources: Ziegler &
 * Nichols, Trans. ASME 64 (1942); Tyreus & Luyben, Ind. Eng. Chem. Res. 31 (1992); the "some" and
 * "no overshoot" rows are the usual tabulated variants of the Ziegler–Nichols table.
 */
export const RULES: Record<string, { kp: number; ti: number; td: number }> = {
  'Ziegler–Nichols PID': { kp: 0.6, ti: 0.5, td: 0.125 },
  'Ziegler–Nichols PI': { kp: 0.45, ti: 1 / 1.2, td: 0 },
  'Tyreus–Luyben PID': { kp: 1 / 2.2, ti: 2.2, td: 1 / 6.3 },
  'some overshoot': { kp: 1 / 3, ti: 0.5, td: 1 / 3 },
  'no overshoot': { kp: 0.2, ti: 0.5, td: 1 / 3 },
};

/** Parallel-form gains (kp, ki = kp/Ti, kd = kp·Td) by a rule; throws on unusable Ku, Tu or rule. */
export function gainsByRule(rule: string, ku: number, tu: number): { kp: number; ki: number; kd: number } {
  const r = RULES[rule];
  if (!r) throw new Error(`rule ${JSON.stringify(rule)}, expected one of ${Object.keys(RULES).join(', ')}`);
  if (!(ku > 0 && tu > 0 && Number.isFinite(ku) && Number.isFinite(tu))) throw new Error(`Ku = ${ku}, Tu = ${tu}: expected finite values > 0`);
  const kp = r.kp * ku;
  const ti = r.ti * tu;
  return { kp, ki: kp / ti, kd: kp * r.td * tu };
}
