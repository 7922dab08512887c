// Relay-feedback autotuning (Åström & Hägglund, Automatica 20(5), 1984): a relay with hysteresis
// drives one joint into a limit cycle; its period Tu and amplitude a give the ultimate gain
// Ku = 4·d / (π·sqrt(a² − ε²)) (describing-function approximation), and a named rule turns
// (Ku, Tu) into PID gains.
//
// Ports (as a controller for one joint, driven by the caller each tick): in y (measured position),
// t; out u (effort or velocity command = bias ± d).

/** Tuning rules over (Ku, Tu). Sources: Ziegler & Nichols, Trans. ASME 64, 1942 (classic and
 * P/PI), Tyreus & Luyben, Ind. Eng. Chem. Res. 31, 1992; "some/no overshoot" and Pessen integral
 * are the commonly tabulated variants of the Ziegler–Nichols table. */
export const TUNING_RULES = {
  'ziegler-nichols-p': { kp: 0.5, ti: Infinity, td: 0 },
  'ziegler-nichols-pi': { kp: 0.45, ti: 1 / 1.2, td: 0 },
  'ziegler-nichols-pid': { kp: 0.6, ti: 0.5, td: 0.125 },
  'tyreus-luyben-pi': { kp: 1 / 3.2, ti: 2.2, td: 0 },
  'tyreus-luyben-pid': { kp: 1 / 2.2, ti: 2.2, td: 1 / 6.3 },
  'pessen-integral': { kp: 0.7, ti: 0.4, td: 0.15 },
  'some-overshoot': { kp: 1 / 3, ti: 0.5, td: 1 / 3 },
  'no-overshoot': { kp: 0.2, ti: 0.5, td: 1 / 3 },
} as const;

/** A rule name. */
export type TuningRule = keyof typeof TUNING_RULES;

/** PID gains (parallel form: kp, ki = kp/Ti, kd = kp·Td) from Ku and Tu by a named rule. */
export function gainsFromUltimate(rule: TuningRule, ku: number, tu: number): { kp: number; ki: number; kd: number } {
  const r = TUNING_RULES[rule];
  if (!r) throw new Error(`tuning rule "${String(rule)}", expected one of ${Object.keys(TUNING_RULES).join(', ')}`);
  if (!(ku > 0 && tu > 0 && Number.isFinite(ku) && Number.isFinite(tu))) throw new Error(`ultimate gain ${ku} and period ${tu}: expected finite > 0`);
  const kp = r.kp * ku;
  const ti = r.ti * tu;
  return { kp, ki: Number.isFinite(ti) ? kp / ti : 0, kd: kp * r.td * tu };
}

/** Relay test settings. */
export interface RelayOptions {
  /** Setpoint the relay switches around. */
  setpoint: number;
  /** Relay amplitude d (output units). */
  amplitude: number;
  /** Output bias (e.g. gravity effort); default 0. */
  bias?: number;
  /** Hysteresis ε (input units); default 0. */
  hysteresis?: number;
  /** Half-periods to discard at least, then the number that must agree and are averaged; defaults 4 and 6. */
  settleCycles?: number;
  measureCycles?: number;
  /** Relative spread allowed between the measured full periods; default 0.02. */
  tolerance?: number;
  /** Give up after this long (s); default 30. */
  timeout?: number;
}

/**
 * State of a running relay test; `update` is @realtime. The test ends when the last
 * `measureCycles` half-periods agree within `tolerance` (a settled limit cycle, not a count of
 * switches: a plant with a slow start chatters first with growing periods), after at least
 * `settleCycles` half-periods.
 */
export class RelayAutotune {
  readonly options: Required<RelayOptions>;
  status: 'running' | 'done' | 'failed' = 'running';
  /** Ultimate gain and period once done. */
  ku = Number.NaN;
  tu = Number.NaN;
  /** Measured half peak-to-peak amplitude a of the last full cycle. */
  oscillation = Number.NaN;
  private high = true;
  private switches = 0;
  private lastSwitch = Number.NaN;
  private readonly halfPeriods: Float64Array;
  private max = Number.NEGATIVE_INFINITY;
  private min = Number.POSITIVE_INFINITY;
  private cycleMax = Number.NEGATIVE_INFINITY;
  private cycleMin = Number.POSITIVE_INFINITY;
  private t0 = Number.NaN;
  // Slot of the convenience form `update(t, y)`: [t, y, output].
  private readonly io = new Float64Array(3);

  constructor(options: RelayOptions) {
    const o = { bias: 0, hysteresis: 0, settleCycles: 4, measureCycles: 6, timeout: 30, tolerance: 0.02, ...options };
    for (const key of ['setpoint', 'amplitude', 'bias', 'hysteresis', 'timeout', 'tolerance'] as const) {
      if (!Number.isFinite(o[key])) throw new Error(`relay.${key} = ${o[key]}, expected a finite number`);
    }
    if (!(o.amplitude > 0)) throw new Error(`relay.amplitude = ${o.amplitude}, expected > 0`);
    if (!(o.hysteresis >= 0)) throw new Error(`relay.hysteresis = ${o.hysteresis}, expected >= 0`);
    if (!(Number.isInteger(o.measureCycles) && o.measureCycles >= 2)) throw new Error(`relay.measureCycles = ${o.measureCycles}, expected an integer >= 2`);
    if (!(o.tolerance > 0)) throw new Error(`relay.tolerance = ${o.tolerance}, expected > 0`);
    this.options = o;
    this.halfPeriods = new Float64Array(o.measureCycles);
  }

  /**
   * One step: returns the relay output for measurement y at time t. A convenience: the doubles
   * cross the call boxed unless V8 inlines it; `step(io)` is the allocation-free form.
   */
  update(t: number, y: number): number {
    this.io[0] = t;
    this.io[1] = y;
    this.step(this.io);
    return this.io[2];
  }

  /** One step on a slot: reads t = io[0] (s) and y = io[1], writes the relay output to io[2]. @realtime */
  step(io: Float64Array): void {
    const t = io[0], y = io[1];
    const o = this.options;
    if (Number.isNaN(this.t0)) this.t0 = t;
    if (this.status !== 'running') {
      io[2] = o.bias;
      return;
    }
    if (t - this.t0 > o.timeout || !Number.isFinite(y)) {
      this.status = 'failed';
      io[2] = o.bias;
      return;
    }
    const e = o.setpoint - y;
    if (y > this.max) this.max = y;
    if (y < this.min) this.min = y;
    let switched = false;
    if (this.high && e < -o.hysteresis) {
      this.high = false;
      switched = true;
    } else if (!this.high && e > o.hysteresis) {
      this.high = true;
      switched = true;
    }
    if (switched) {
      if (!Number.isNaN(this.lastSwitch)) this.halfPeriods[this.switches % o.measureCycles] = t - this.lastSwitch;
      this.switches++;
      this.lastSwitch = t;
      // A full cycle (two half-periods) ends at every other switch: keep its swing.
      if (this.switches % 2 === 0) {
        this.cycleMax = this.max;
        this.cycleMin = this.min;
        this.max = Number.NEGATIVE_INFINITY;
        this.min = Number.POSITIVE_INFINITY;
      }
      if (this.switches > o.settleCycles + o.measureCycles && this.switches % 2 === 0) this.checkSettled();
    }
    io[2] = o.bias + (this.high ? o.amplitude : -o.amplitude);
  }

  private checkSettled(): void {
    const o = this.options;
    let lo = Number.POSITIVE_INFINITY, hi = 0, sum = 0;
    for (let i = 0; i < o.measureCycles; i++) {
      const h = this.halfPeriods[i];
      sum += h;
      if (h < lo) lo = h;
      if (h > hi) hi = h;
    }
    const mean = sum / o.measureCycles;
    // Asymmetric half-periods (a bias) still settle: compare full periods, pairs of half-periods.
    let pairLo = Number.POSITIVE_INFINITY, pairHi = 0;
    for (let i = 0; i + 1 < o.measureCycles; i += 2) {
      const p = this.halfPeriods[i] + this.halfPeriods[i + 1];
      if (p < pairLo) pairLo = p;
      if (p > pairHi) pairHi = p;
    }
    if (!(lo > 0) || pairHi - pairLo > o.tolerance * 2 * mean) return;
    const a = (this.cycleMax - this.cycleMin) / 2;
    this.tu = 2 * mean;
    this.oscillation = a;
    const eps = o.hysteresis < a ? o.hysteresis : 0;
    this.ku = (4 * o.amplitude) / (Math.PI * Math.sqrt(a * a - eps * eps));
    this.status = Number.isFinite(this.ku) && this.ku > 0 ? 'done' : 'failed';
  }

  /** Gains by a named rule once done; throws before. */
  gains(rule: TuningRule): { kp: number; ki: number; kd: number } {
    if (this.status !== 'done') throw new Error(`relay autotune is ${this.status}, gains need a finished test`);
    return gainsFromUltimate(rule, this.ku, this.tu);
  }
}
