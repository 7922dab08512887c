// Chirp excitation and frequency-response estimation: magnitude, phase, bandwidth and the gain and
// phase margins of an open loop (measured directly, or from a closed loop's response: L = T/(1 − T)).

/** A sine sweep from f0 to f1 (Hz) over `duration` (s); 'log' (exponential) or 'linear'. */
export class Chirp {
  constructor(
    readonly f0: number,
    readonly f1: number,
    readonly duration: number,
    readonly amplitude: number,
    readonly sweep: 'log' | 'linear' = 'log',
  ) {
    if (!(f0 > 0 && f1 > f0 && Number.isFinite(f1))) throw new Error(`chirp f0 = ${f0}, f1 = ${f1}: expected 0 < f0 < f1`);
    if (!(duration > 0 && Number.isFinite(duration))) throw new Error(`chirp duration = ${duration}, expected > 0 s`);
    if (!(amplitude > 0 && Number.isFinite(amplitude))) throw new Error(`chirp amplitude = ${amplitude}, expected > 0`);
  }
  /** Excitation at time t (s since start); 0 outside [0, duration]. @realtime */
  value(t: number): number {
    if (!(t >= 0 && t <= this.duration)) return 0;
    let phase: number;
    if (this.sweep === 'linear') {
      phase = 2 * Math.PI * (this.f0 * t + ((this.f1 - this.f0) * t * t) / (2 * this.duration));
    } else {
      const k = Math.log(this.f1 / this.f0) / this.duration;
      phase = (2 * Math.PI * this.f0 * (Math.exp(k * t) - 1)) / k;
    }
    return this.amplitude * Math.sin(phase);
  }
  /** Frequency being swept at time t (Hz). */
  frequencyAt(t: number): number {
    return this.sweep === 'linear' ? this.f0 + ((this.f1 - this.f0) * t) / this.duration : this.f0 * Math.pow(this.f1 / this.f0, t / this.duration);
  }
}

/** Frequency response at `frequency` (Hz): magnitude (ratio and dB) and unwrapped phase (deg). */
export interface FrequencyResponse {
  frequency: Float64Array;
  magnitude: Float64Array;
  magnitudeDb: Float64Array;
  phaseDeg: Float64Array;
  /** Real and imaginary parts of the estimate. */
  re: Float64Array;
  im: Float64Array;
}

/** `count` frequencies spaced logarithmically from f0 to f1 (Hz). */
export function logFrequencies(f0: number, f1: number, count: number): Float64Array {
  if (!(f0 > 0 && f1 > f0 && count >= 2)) throw new Error(`logFrequencies(${f0}, ${f1}, ${count}): expected 0 < f0 < f1 and count >= 2`);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = f0 * Math.pow(f1 / f0, i / (count - 1));
  return out;
}

/**
 * Estimates H(f) = Y(f)/U(f) from a uniformly sampled record (input u, output y, sample period dt)
 * by single-frequency DFTs over the whole record, with the means removed. Suited to chirp or
 * multisine excitation covering the frequencies asked for.
 */
export function estimateFrequencyResponse(u: ArrayLike<number>, y: ArrayLike<number>, dt: number, frequencies: ArrayLike<number>): FrequencyResponse {
  const n = u.length;
  if (y.length !== n || n < 8) throw new Error(`frequency response: u has ${n} samples and y ${y.length}, expected equal lengths >= 8`);
  if (!(dt > 0)) throw new Error(`frequency response: dt = ${dt}, expected > 0`);
  let mu = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mu += u[i];
    my += y[i];
  }
  mu /= n;
  my /= n;
  const m = frequencies.length;
  const out = responseAt(frequencies);
  for (let j = 0; j < m; j++) {
    const w = 2 * Math.PI * frequencies[j] * dt;
    let ur = 0, ui = 0, yr = 0, yi = 0;
    // Hann window against leakage at the record ends.
    for (let i = 0; i < n; i++) {
      const win = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
      const c = Math.cos(w * i) * win, s = -Math.sin(w * i) * win;
      const du = u[i] - mu, dy = y[i] - my;
      ur += du * c;
      ui += du * s;
      yr += dy * c;
      yi += dy * s;
    }
    const den = ur * ur + ui * ui;
    out.re[j] = (yr * ur + yi * ui) / den;
    out.im[j] = (yi * ur - yr * ui) / den;
  }
  return withPolar(out);
}

/** An empty response over `frequency` (Hz). */
function responseAt(frequency: ArrayLike<number>): FrequencyResponse {
  const m = frequency.length;
  return {
    frequency: Float64Array.from(frequency),
    magnitude: new Float64Array(m), magnitudeDb: new Float64Array(m), phaseDeg: new Float64Array(m),
    re: new Float64Array(m), im: new Float64Array(m),
  };
}

/** Fills magnitude, dB and the phase unwrapped from the lowest frequency up, from re and im. */
function withPolar(out: FrequencyResponse): FrequencyResponse {
  let previous = 0;
  for (let j = 0; j < out.frequency.length; j++) {
    const re = out.re[j], im = out.im[j];
    out.magnitude[j] = Math.hypot(re, im);
    out.magnitudeDb[j] = 20 * Math.log10(out.magnitude[j]);
    let phase = (Math.atan2(im, re) * 180) / Math.PI;
    if (j > 0) while (phase - previous > 180) phase -= 360;
    if (j > 0) while (phase - previous < -180) phase += 360;
    out.phaseDeg[j] = phase;
    previous = phase;
  }
  return out;
}

/** Open-loop response L = C·P with a PID C(s) = kp + ki/s + kd·s/(tf·s + 1) (parallel form). */
export function withPid(plant: FrequencyResponse, gains: { kp: number; ki: number; kd: number; tf?: number }): FrequencyResponse {
  const m = plant.frequency.length;
  const out = responseAt(plant.frequency);
  const tf = gains.tf ?? 0;
  for (let j = 0; j < m; j++) {
    const w = 2 * Math.PI * plant.frequency[j];
    // kd·jw/(1 + jw·tf) = kd·jw(1 − jw·tf)/(1 + w²tf²)
    const d = 1 + w * w * tf * tf;
    const cr = gains.kp + (gains.kd * w * w * tf) / d;
    const ci = -gains.ki / w + (gains.kd * w) / d;
    out.re[j] = cr * plant.re[j] - ci * plant.im[j];
    out.im[j] = cr * plant.im[j] + ci * plant.re[j];
  }
  return withPolar(out);
}

/**
 * The open loop L = T/(1 − T) of a unity-feedback loop whose closed-loop response T (reference to
 * output) was measured: the margins are properties of L, not of T.
 */
export function openLoopFromClosedLoop(closed: FrequencyResponse): FrequencyResponse {
  const out = responseAt(closed.frequency);
  for (let j = 0; j < closed.frequency.length; j++) {
    const a = closed.re[j], b = closed.im[j];
    // (a + ib)/((1 − a) − ib) = (a + ib)((1 − a) + ib)/((1 − a)² + b²)
    const d = (1 - a) * (1 - a) + b * b;
    out.re[j] = (a * (1 - a) - b * b) / d;
    out.im[j] = b / d;
  }
  return withPolar(out);
}

/** Bandwidth and margins read off a response. */
export interface ResponseSummary {
  /** First frequency where the magnitude falls 3 dB below its lowest-frequency value (Hz; NaN if not in range). */
  bandwidth: number;
  /** Open-loop margins: gain margin (dB) at the phase crossover (−180°), phase margin (deg) at the gain crossover (0 dB). */
  gainMarginDb: number;
  phaseCrossover: number;
  phaseMarginDeg: number;
  gainCrossover: number;
}

/** Bandwidth, gain margin and phase margin of a response (interpolated on log frequency); NaN where a crossing is outside the range. */
export function summarizeResponse(r: FrequencyResponse): ResponseSummary {
  const m = r.frequency.length;
  const out: ResponseSummary = { bandwidth: Number.NaN, gainMarginDb: Number.NaN, phaseCrossover: Number.NaN, phaseMarginDeg: Number.NaN, gainCrossover: Number.NaN };
  const lf = (j: number) => Math.log(r.frequency[j]);
  const cross = (values: Float64Array, level: number, apply: (f: number, j: number, s: number) => void) => {
    for (let j = 1; j < m; j++) {
      const a = values[j - 1] - level, b = values[j] - level;
      if (a === 0 || a * b < 0) {
        const s = a === b ? 0 : a / (a - b);
        apply(Math.exp(lf(j - 1) + s * (lf(j) - lf(j - 1))), j, s);
        return;
      }
    }
  };
  const reference = r.magnitudeDb[0] - 3;
  cross(r.magnitudeDb, reference, (f) => (out.bandwidth = f));
  cross(r.magnitudeDb, 0, (f, j, s) => {
    out.gainCrossover = f;
    const phase = r.phaseDeg[j - 1] + s * (r.phaseDeg[j] - r.phaseDeg[j - 1]);
    out.phaseMarginDeg = 180 + phase;
  });
  cross(r.phaseDeg, -180, (f, j, s) => {
    out.phaseCrossover = f;
    const mag = r.magnitudeDb[j - 1] + s * (r.magnitudeDb[j] - r.magnitudeDb[j - 1]);
    out.gainMarginDb = -mag;
  });
  return out;
}
