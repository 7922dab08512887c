// Joint limiter: enforces position (soft within hard), velocity, acceleration, jerk and effort
// limits on every command, and sweeps for non-finite values before the write.
//
// Ports: in ctx.command (mode, position, velocity, effort, acceleration), ctx.q, ctx.v (measured);
// out the same command arrays, limited. State: the previous limited command (position, velocity,
// acceleration), which the sequence of commands is continuous from.
//
// Priorities, highest first: finiteness, position limits (with a braking envelope so the command
// can stop before the limit at the acceleration limit), velocity, acceleration, jerk. Jerk is the
// lowest priority: it may be exceeded when braking for a position limit or a velocity limit
// requires it. Effort mode applies the URDF safety_controller law (soft limits: velocity bounds
// −k_position·(q − soft limit), effort bounds −k_velocity·(v − bound)); for a joint without a
// safety_controller, with default gains (`LimitDefaults.kPosition`, `effortBand`) on its hard limits,
// so an effort command never drives a joint past its position or velocity limit.
import type { RobotModel } from '../robot/model.ts';
import type { ControlContext } from './context.ts';

/** Limits per joint (nq each, model joint order). */
export interface JointLimits {
  /** Effective position limits: the soft limits when a safety_controller gives them, else the hard ones. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly velocity: Float64Array;
  readonly acceleration: Float64Array;
  readonly jerk: Float64Array;
  readonly effort: Float64Array;
  /** safety_controller gains (0 = not used). */
  readonly kPosition: Float64Array;
  readonly kVelocity: Float64Array;
}

/** Defaults for limits the URDF does not give. */
export interface LimitDefaults {
  /** Acceleration limit as a multiple of the velocity limit (1/s); default 10 (0.1 s to full speed). */
  accelerationPerVelocity?: number;
  /** Jerk limit as a multiple of the acceleration limit (1/s); default 20. */
  jerkPerAcceleration?: number;
  /** Used when the URDF gives no velocity limit (rad/s); default 2. */
  velocity?: number;
  /** Explicit per-joint overrides (nq values, Infinity allowed for jerk only). */
  acceleration?: ArrayLike<number>;
  jerk?: ArrayLike<number>;
  /**
   * For joints without a URDF safety_controller (effort mode): k_position (1/s); default 10: the
   * speed allowed toward a limit falls to 0 over the last v_max/10 rad before it.
   */
  kPosition?: number;
  /**
   * For joints without a URDF safety_controller (effort mode): the speed band, as a fraction of the
   * velocity limit, over which the allowed effort goes from the full limit to 0 at the velocity
   * bound (k_velocity = effort limit / (band · v_max)); default 0.1. Joints without a finite effort
   * or velocity limit get no default.
   */
  effortBand?: number;
}

/** Limits from the model (soft and hard position, velocity, effort) plus derived acceleration/jerk. */
export function jointLimitsFromModel(model: RobotModel, defaults: LimitDefaults = {}): JointLimits {
  const n = model.nq;
  const accelPerVel = defaults.accelerationPerVelocity ?? 10;
  const jerkPerAccel = defaults.jerkPerAcceleration ?? 20;
  const limits: JointLimits = {
    lower: Float64Array.from(model.softLowerLimit),
    upper: Float64Array.from(model.softUpperLimit),
    velocity: new Float64Array(n),
    acceleration: new Float64Array(n),
    jerk: new Float64Array(n),
    effort: Float64Array.from(model.effortLimit),
    kPosition: Float64Array.from(model.kPosition),
    kVelocity: Float64Array.from(model.kVelocity),
  };
  const kPosition = defaults.kPosition ?? 10;
  const effortBand = defaults.effortBand ?? 0.1;
  for (let k = 0; k < n; k++) {
    const v = Number.isFinite(model.velocityLimit[k]) ? model.velocityLimit[k] : defaults.velocity ?? 2;
    limits.velocity[k] = v;
    if (!(model.kVelocity[k] > 0) && Number.isFinite(model.effortLimit[k]) && Number.isFinite(model.velocityLimit[k])) {
      limits.kPosition[k] = kPosition;
      limits.kVelocity[k] = model.effortLimit[k] / (effortBand * model.velocityLimit[k]);
    }
    limits.acceleration[k] = defaults.acceleration?.[k] ?? v * accelPerVel;
    limits.jerk[k] = defaults.jerk?.[k] ?? limits.acceleration[k] * jerkPerAccel;
  }
  validateJointLimits(limits, model.jointNames);
  return limits;
}

/** Throws naming joint, field and value when a limit is unusable. */
export function validateJointLimits(limits: JointLimits, jointNames: readonly string[]): void {
  const n = jointNames.length;
  for (const key of ['lower', 'upper', 'velocity', 'acceleration', 'jerk', 'effort', 'kPosition', 'kVelocity'] as const) {
    if (limits[key].length !== n) throw new Error(`limits.${key} has ${limits[key].length} values, expected ${n}`);
  }
  for (let k = 0; k < n; k++) {
    const name = jointNames[k];
    if (!(limits.lower[k] <= limits.upper[k])) throw new Error(`limits of joint "${name}": lower ${limits.lower[k]} > upper ${limits.upper[k]}`);
    for (const key of ['velocity', 'acceleration'] as const) {
      if (!(Number.isFinite(limits[key][k]) && limits[key][k] > 0)) throw new Error(`limits.${key} of joint "${name}" = ${limits[key][k]}, expected finite > 0`);
    }
    if (!(limits.jerk[k] > 0)) throw new Error(`limits.jerk of joint "${name}" = ${limits.jerk[k]}, expected > 0 (Infinity allowed)`);
    if (!(limits.effort[k] > 0)) throw new Error(`limits.effort of joint "${name}" = ${limits.effort[k]}, expected > 0 (Infinity allowed)`);
  }
}

const clamp = (x: number, lo: number, hi: number) => (x > hi ? hi : x < lo ? lo : x);

/** Largest speed toward a limit `distance` away that can still stop before it at `acceleration` in steps of dt. */
function brakingSpeed(distance: number, acceleration: number, dt: number): number {
  if (!(distance > 0)) return 0;
  const adt = acceleration * dt;
  // Discrete braking from v covers at most v·dt + v²/(2a); solve for v.
  return -adt + Math.sqrt(adt * adt + 2 * acceleration * distance);
}

/** The limiter with its state (previous limited command). */
export class JointLimiter {
  readonly limits: JointLimits;
  readonly nq: number;
  /** Previous limited command. */
  readonly position: Float64Array;
  readonly velocity: Float64Array;
  readonly acceleration: Float64Array;
  readonly lastEffort: Float64Array;
  /** Count of non-finite values replaced since construction (inputs or outputs). */
  nonFinite = 0;
  /** True when the last `apply` replaced a non-finite value. */
  sawNonFinite = false;
  /** Count of values changed by a limit in the last `apply`. */
  limited = 0;

  /** Gains of the position-mode correction (1/s) and of the velocity approach (1/s). */
  readonly positionGain: number = 0.5;
  readonly velocityGain: number = 0.5;

  /**
   * `positionGain` (default 20 /s) and `velocityGain` (default 80 /s) shape how the command sequence
   * approaches a position target or a velocity goal; with the jerk limit they must stay well apart
   * (a cascade), and far below 1/dt (a dead-beat law cycles).
   */
  constructor(limits: JointLimits, gains: { positionGain?: number; velocityGain?: number } = {}) {
    this.positionGain = gains.positionGain ?? 20;
    this.velocityGain = gains.velocityGain ?? 80;
    if (!(this.positionGain > 0 && Number.isFinite(this.positionGain))) throw new Error(`limiter positionGain = ${this.positionGain}, expected finite > 0`);
    if (!(this.velocityGain > 0 && Number.isFinite(this.velocityGain))) throw new Error(`limiter velocityGain = ${this.velocityGain}, expected finite > 0`);
    this.limits = limits;
    this.nq = limits.lower.length;
    this.position = new Float64Array(this.nq);
    this.velocity = new Float64Array(this.nq);
    this.acceleration = new Float64Array(this.nq);
    this.lastEffort = new Float64Array(this.nq);
  }

  /** Restarts the command sequence from a state (at rest unless v is given); non-finite entries become 0. */
  reset(q: ArrayLike<number>, v?: ArrayLike<number>): void {
    for (let k = 0; k < this.nq; k++) {
      const p = Number.isFinite(q[k]) ? q[k] : 0;
      this.position[k] = clamp(p, this.limits.lower[k], this.limits.upper[k]);
      const vk = v && Number.isFinite(v[k]) ? v[k] : 0;
      this.velocity[k] = clamp(vk, -this.limits.velocity[k], this.limits.velocity[k]);
      this.acceleration[k] = 0;
      this.lastEffort[k] = 0;
    }
  }

  /** Limits ctx.command in place for ctx.command.mode. @realtime */
  apply(ctx: ControlContext): void {
    const c = ctx.command;
    const L = this.limits;
    const dt = ctx.dt;
    this.sawNonFinite = false;
    this.limited = 0;
    for (let k = 0; k < this.nq; k++) {
      const vmax = L.velocity[k];
      const amax = L.acceleration[k];
      const jmax = L.jerk[k];
      const pPrev = this.position[k];
      const vPrev = this.velocity[k];
      const aPrev = this.acceleration[k];
      let qMeasured = ctx.q[k];
      if (!Number.isFinite(qMeasured)) qMeasured = pPrev;
      // Reference point for the position envelope: the commanded position in position mode, else measured.
      const pBase = c.mode === 'position' ? pPrev : qMeasured;
      let vGoal: number;
      let vSnap = Number.NaN;
      let vNext = 0;
      if (c.mode === 'position') {
        let target = c.position[k];
        if (!Number.isFinite(target)) {
          target = pPrev;
          this.nonFinite++;
          this.sawNonFinite = true;
        }
        let vff = c.velocity[k];
        vff = Number.isFinite(vff) ? clamp(vff, -vmax, vmax) : 0;
        // Correction toward the target: proportional (gain positionGain, 1/s) near it, and no faster
        // than a braking curve at a quarter of the acceleration limit far from it (the margin the
        // jerk-limited deceleration needs: at half, a 0.1 rad step overshot 46 %). A gain of 1/dt
        // here (a dead-beat step) sustained a ±0.14 rad limit cycle under the jerk limit.
        const e = target - (pPrev + vff * dt);
        const fast = this.positionGain * Math.abs(e);
        const brake = Math.sqrt(0.5 * amax * Math.abs(e));
        vGoal = clamp(vff + (e >= 0 ? 1 : -1) * (fast < brake ? fast : brake), -vmax, vmax);
        // The exact step onto the target, taken below when every limit allows it (so a target
        // is reached exactly, not only approached).
        vSnap = (target - pPrev) / dt;
        vNext = vff;
      } else if (c.mode === 'velocity') {
        vGoal = c.velocity[k];
        if (!Number.isFinite(vGoal)) {
          vGoal = 0;
          this.nonFinite++;
          this.sawNonFinite = true;
        }
        vGoal = clamp(vGoal, -vmax, vmax);
        vSnap = vGoal;
        vNext = vGoal;
      } else {
        vGoal = 0;
      }
      if (c.mode === 'position' || c.mode === 'velocity') {
        // Acceleration toward vGoal, shaped so the velocity arrives without overshoot at the jerk limit.
        const dv = vGoal - vPrev;
        let a = this.velocityGain * dv;
        if (jmax < Infinity) {
          // Discrete: ramping a down to 0 at the jerk limit still adds a²/(2j) + a·dt to v.
          const aBrake = brakingSpeed(Math.abs(dv), jmax, dt);
          if (Math.abs(a) > aBrake) a = dv >= 0 ? aBrake : -aBrake;
        }
        a = clamp(a, aPrev - jmax * dt, aPrev + jmax * dt);
        a = clamp(a, -amax, amax);
        let v = vPrev + a * dt;
        v = clamp(v, -vmax, vmax);
        v = clamp(v, vPrev - amax * dt, vPrev + amax * dt);
        const aSnap = (vSnap - vPrev) / dt;
        // Snap only when the tick after it can also move on at the reference velocity within the
        // limits (else the snap leaves a velocity error the next tick overshoots: a small cycle).
        const aAfter = (vNext - vSnap) / dt;
        if (
          Math.abs(vSnap) <= vmax && Math.abs(aSnap) <= amax && Math.abs(aSnap - aPrev) <= jmax * dt &&
          Math.abs(aAfter) <= amax && Math.abs(aAfter - aSnap) <= jmax * dt
        ) v = vSnap;
        // Position envelope wins over acceleration (only binds when the state was inconsistent).
        const up = brakingSpeed(L.upper[k] - pBase, amax, dt);
        const down = brakingSpeed(pBase - L.lower[k], amax, dt);
        v = clamp(v, -down, up);
        let p = pBase + v * dt;
        const inside = pBase >= L.lower[k] && pBase <= L.upper[k];
        if (p > L.upper[k]) p = L.upper[k];
        else if (p < L.lower[k]) p = L.lower[k];
        // Re-derive v from a clamped position only when starting inside (a measured state outside the
        // limits keeps the envelope's velocity, which already points back inside or is 0).
        if (inside) v = (p - pBase) / dt;
        a = (v - vPrev) / dt;
        if (v !== vGoal) this.limited++;
        this.position[k] = p;
        this.velocity[k] = v;
        this.acceleration[k] = a;
        c.position[k] = p;
        c.velocity[k] = v;
        c.acceleration[k] = a;
        const eff = c.effort[k];
        c.effort[k] = Number.isFinite(eff) ? clamp(eff, -L.effort[k], L.effort[k]) : 0;
      } else {
        let lo = -L.effort[k];
        let hi = L.effort[k];
        const vMeasured = ctx.v[k];
        if (L.kVelocity[k] > 0 && Number.isFinite(qMeasured) && Number.isFinite(vMeasured) && Number.isFinite(ctx.q[k])) {
          const vLow = clamp(-L.kPosition[k] * (qMeasured - L.lower[k]), -vmax, vmax);
          const vHigh = clamp(-L.kPosition[k] * (qMeasured - L.upper[k]), -vmax, vmax);
          lo = clamp(-L.kVelocity[k] * (vMeasured - vLow), lo, hi);
          hi = clamp(-L.kVelocity[k] * (vMeasured - vHigh), lo, hi);
        }
        let eff = c.effort[k];
        if (!Number.isFinite(eff)) {
          eff = this.lastEffort[k];
          this.nonFinite++;
          this.sawNonFinite = true;
        }
        const limitedEffort = clamp(eff, lo, hi);
        if (limitedEffort !== eff) this.limited++;
        c.effort[k] = Number.isFinite(limitedEffort) ? limitedEffort : 0;
        // Position and velocity carry the measured state (finite) so every written array is finite.
        this.position[k] = clamp(qMeasured, L.lower[k], L.upper[k]);
        this.velocity[k] = 0;
        this.acceleration[k] = 0;
        c.position[k] = this.position[k];
        c.velocity[k] = 0;
        c.acceleration[k] = 0;
      }
      this.lastEffort[k] = c.effort[k];
    }
    // Final sweep: nothing non-finite leaves.
    for (let k = 0; k < this.nq; k++) {
      if (!Number.isFinite(c.position[k])) { c.position[k] = this.position[k] = clamp(0, L.lower[k], L.upper[k]); this.sawNonFinite = true; this.nonFinite++; }
      if (!Number.isFinite(c.velocity[k])) { c.velocity[k] = this.velocity[k] = 0; this.sawNonFinite = true; this.nonFinite++; }
      if (!Number.isFinite(c.acceleration[k])) { c.acceleration[k] = this.acceleration[k] = 0; this.sawNonFinite = true; this.nonFinite++; }
      if (!Number.isFinite(c.effort[k])) { c.effort[k] = this.lastEffort[k] = 0; this.sawNonFinite = true; this.nonFinite++; }
    }
  }
}
