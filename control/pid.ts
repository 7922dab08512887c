// PID for one scalar loop, in the Åström–Hägglund form.
//
// Ports: in r (setpoint), y (measurement), ff (feedforward), dt; out u (saturated output).
// u = kp·(b·r − y) + I + kd·D + ff, saturated to [outputMin, outputMax], with
// - D: derivative of (c·r − y) through a first-order low-pass of time constant `tf`
//   (c = 0: derivative on measurement, no kick on setpoint steps);
// - I: integral state holding ki·∫e (so ki changes do not bump), limited to [integralMin, integralMax],
//   with anti-windup by 'clamping' (conditional integration) or 'back-calculation' (gain `kaw`, 1/s);
// - bumpless gain changes: setGains moves I so that the output of the last update is unchanged.

/** Gains and limits of one PID loop. Units: output unit per input unit (and ·s, /s). */
export interface PidGains {
  kp: number;
  ki: number;
  kd: number;
  /** Setpoint weight of the proportional term (1 = plain error). */
  b: number;
  /** Setpoint weight of the derivative term (0 = derivative on measurement). */
  c: number;
  /** Derivative low-pass time constant (s); 0 disables the filter. */
  tf: number;
  outputMin: number;
  outputMax: number;
  integralMin: number;
  integralMax: number;
  /** 'clamping' or 'back-calculation'. */
  antiWindup: AntiWindup;
  /** Back-calculation tracking gain (1/s); default 1/sqrt(Ti·Td) style chosen by the caller. */
  kaw: number;
}

/** Anti-windup schemes. */
export type AntiWindup = 'clamping' | 'back-calculation';

/** Names of the numeric gain fields, in wire order. */
export const PID_GAIN_FIELDS = ['kp', 'ki', 'kd', 'b', 'c', 'tf', 'outputMin', 'outputMax', 'integralMin', 'integralMax', 'kaw'] as const;
/** One of the numeric gain fields. */
export type PidGainField = (typeof PID_GAIN_FIELDS)[number];

/** Gains with every field at its neutral default (P = 1, unlimited). */
export function defaultPidGains(overrides: Partial<PidGains> = {}): PidGains {
  const gains: PidGains = {
    kp: 1, ki: 0, kd: 0, b: 1, c: 0, tf: 0,
    outputMin: Number.NEGATIVE_INFINITY, outputMax: Number.POSITIVE_INFINITY,
    integralMin: Number.NEGATIVE_INFINITY, integralMax: Number.POSITIVE_INFINITY,
    antiWindup: 'clamping', kaw: 0,
    ...overrides,
  };
  validatePidGains(gains, 'gains');
  return gains;
}

/** Throws naming the field and value when gains are not usable. */
export function validatePidGains(gains: PidGains, where: string): void {
  for (const field of ['kp', 'ki', 'kd', 'b', 'c', 'tf', 'kaw'] as const) {
    const value = gains[field];
    if (!(Number.isFinite(value) && value >= 0)) throw new Error(`${where}.${field} = ${value}, expected a finite number >= 0`);
  }
  for (const field of ['outputMin', 'outputMax', 'integralMin', 'integralMax'] as const) {
    if (Number.isNaN(gains[field])) throw new Error(`${where}.${field} is NaN, expected a number (±Infinity allowed)`);
  }
  if (!(gains.outputMin <= gains.outputMax)) throw new Error(`${where}: outputMin ${gains.outputMin} > outputMax ${gains.outputMax}`);
  if (!(gains.integralMin <= gains.integralMax)) throw new Error(`${where}: integralMin ${gains.integralMin} > integralMax ${gains.integralMax}`);
  if (gains.antiWindup !== 'clamping' && gains.antiWindup !== 'back-calculation') {
    throw new Error(`${where}.antiWindup = "${String(gains.antiWindup)}", expected "clamping" or "back-calculation"`);
  }
}

/**
 * One PID loop with its state.
 *
 * Two call forms: `update(r, y, ff, dt)` returns the output (handy, but four doubles in and one out
 * are boxed when V8 does not inline the call), and the allocation-free form used in the tick: write
 * the inputs `r`, `y`, `ff`, `dt` (double fields), call `compute()`, read `output`.
 */
export class Pid {
  readonly gains: PidGains;
  /** Integral term (output units). */
  integral = 0.5;
  /** Filtered derivative of (c·r − y) (input units per second). */
  derivative = 0.5;
  /** Last output, saturated, and its unsaturated value. */
  output = 0.5;
  unsaturated = 0.5;
  /** Inputs of the next `compute()`: setpoint, measurement, feedforward (output units), period (s). */
  r = 0.5;
  y = 0.5;
  ff = 0.5;
  dt = 0.5;
  private lastR = 0.5;
  private lastY = 0.5;
  private lastSignal = 0.5;
  private primed = false;

  constructor(gains: Partial<PidGains> = {}) {
    this.gains = defaultPidGains(gains);
    // The fields start at 0.5 so V8 gives them a double representation; the state starts at 0.
    this.integral = this.derivative = this.output = this.unsaturated = 0;
    this.r = this.y = this.ff = this.dt = 0;
    this.lastR = this.lastY = this.lastSignal = 0;
  }

  /** Forgets the state; the next update starts without derivative kick, with I = `integral`. */
  reset(integral = 0): void {
    this.integral = Number.isFinite(integral) ? integral : 0;
    this.derivative = 0;
    this.primed = false;
  }

  /** One update; returns the saturated output. Non-finite inputs hold the last output. */
  update(r: number, y: number, ff: number, dt: number): number {
    this.r = r;
    this.y = y;
    this.ff = ff;
    this.dt = dt;
    this.compute();
    return this.output;
  }

  /** One update from the input fields r, y, ff, dt into `output`. Non-finite inputs hold the last output. @realtime */
  compute(): void {
    const g = this.gains;
    const r = this.r;
    const y = this.y;
    const ff = this.ff;
    const dt = this.dt;
    if (!(Number.isFinite(r) && Number.isFinite(y) && Number.isFinite(ff) && dt > 0)) return;
    const signal = g.c * r - y;
    if (!this.primed) {
      this.lastSignal = signal;
      this.primed = true;
    }
    const raw = (signal - this.lastSignal) / dt;
    this.derivative = g.tf > 0 ? this.derivative + (dt / (g.tf + dt)) * (raw - this.derivative) : raw;
    this.lastSignal = signal;
    const p = g.kp * (g.b * r - y);
    const v = p + this.integral + g.kd * this.derivative + ff;
    const u = v > g.outputMax ? g.outputMax : v < g.outputMin ? g.outputMin : v;
    const e = r - y;
    let di = g.ki * e * dt;
    if (g.antiWindup === 'clamping') {
      // Integrate only when not saturated or when the error drives the output back inside.
      if ((v > g.outputMax && di > 0) || (v < g.outputMin && di < 0)) di = 0;
    } else {
      di += g.kaw * (u - v) * dt;
    }
    let integral = this.integral + di;
    integral = integral > g.integralMax ? g.integralMax : integral < g.integralMin ? g.integralMin : integral;
    this.integral = Number.isFinite(integral) ? integral : 0;
    this.lastR = r;
    this.lastY = y;
    this.unsaturated = v;
    this.output = u;
  }

  /** Changes gains without a bump: the output for the last (r, y) stays the same. Throws on bad gains. */
  setGains(update: Partial<PidGains>): void {
    const next = { ...this.gains, ...update };
    validatePidGains(next, 'gains');
    const before = this.gains.kp * (this.gains.b * this.lastR - this.lastY) + this.gains.kd * this.derivative;
    // D is kept as the derivative of c·r − y; a change of c changes the signal: re-prime it.
    if (next.c !== this.gains.c) this.primed = false;
    Object.assign(this.gains, next);
    const after = next.kp * (next.b * this.lastR - this.lastY) + next.kd * this.derivative;
    if (this.primed) {
      const integral = this.integral + before - after;
      this.integral = Math.min(next.integralMax, Math.max(next.integralMin, integral));
    }
  }
}
