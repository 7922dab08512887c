// Joint position, velocity and acceleration from quantized encoders.
//
// Ports: in  — measured joint positions (nq) with a hardware time stamp (s) in a one-element
//              Float64Array (a double passed to a call V8 does not inline is boxed on the heap);
//        out — `position`, `velocity`, `acceleration` (nq each), `stale` flags, counters.
// Per joint a three-state Kalman filter (position, velocity, acceleration) with white-jerk
// process noise, run at the measurement's own time step, so irregular message timing is handled
// exactly. Quantization is modelled as uniform noise of variance quantum²/12. Messages whose stamp
// is not newer than the last accepted one (out of order, duplicated) are rejected and counted.

/** Options of the estimator; SI units. */
export interface JointStateEstimatorOptions {
  /** Encoder quantum per joint (rad or m), or one value for all; 0 means an ideal sensor. */
  quantum: number | ArrayLike<number>;
  /** Extra position noise standard deviation (rad), on top of quantization. */
  noise?: number;
  /** White-jerk spectral density (rad²/s⁵): larger follows faster, smaller smooths more. */
  jerkDensity?: number;
  /** Age (s) after which the state counts as stale. */
  staleAfter?: number;
  /** Largest time step (s) treated as continuous; beyond it the filter re-initialises. */
  maxGap?: number;
}

/** Result of feeding one measurement. */
export type MeasurementStatus = 'accepted' | 'out-of-order' | 'duplicate' | 'invalid';

/** Kalman estimator of joint position, velocity and acceleration; allocation-free per update. */
export class JointStateEstimator {
  readonly nq: number;
  /** Estimates, nq each: rad, rad/s, rad/s². */
  readonly position: Float64Array;
  readonly velocity: Float64Array;
  readonly acceleration: Float64Array;
  /** Stamp (s) of the last accepted measurement; NaN before the first. */
  stamp = Number.NaN;
  /** Counters of rejected measurements. */
  outOfOrder = 0;
  duplicates = 0;
  invalid = 0;
  private readonly measurementVariance: Float64Array;
  private readonly jerkDensity: number;
  private readonly staleAfter: number;
  private readonly maxGap: number;
  // Covariance per joint, symmetric 3x3 stored as p00 p01 p02 p11 p12 p22.
  private readonly covariance: Float64Array;
  private initialized = false;

  constructor(nq: number, options: JointStateEstimatorOptions) {
    if (!(Number.isInteger(nq) && nq > 0)) throw new Error(`JointStateEstimator: nq = ${nq} must be a positive integer`);
    this.nq = nq;
    this.position = new Float64Array(nq);
    this.velocity = new Float64Array(nq);
    this.acceleration = new Float64Array(nq);
    this.covariance = new Float64Array(6 * nq);
    this.measurementVariance = new Float64Array(nq);
    const noise = options.noise ?? 0;
    for (let k = 0; k < nq; k++) {
      const quantum = typeof options.quantum === 'number' ? options.quantum : options.quantum[k];
      if (!(quantum >= 0 && Number.isFinite(quantum))) throw new Error(`JointStateEstimator: quantum[${k}] = ${quantum} must be finite and ≥ 0`);
      // A floor keeps the filter well-posed for ideal sensors.
      this.measurementVariance[k] = Math.max((quantum * quantum) / 12 + noise * noise, 1e-14);
    }
    this.jerkDensity = options.jerkDensity ?? 1e4;
    this.staleAfter = options.staleAfter ?? 0.05;
    this.maxGap = options.maxGap ?? 0.5;
    if (!(this.jerkDensity > 0)) throw new Error(`JointStateEstimator: jerkDensity = ${this.jerkDensity} must be positive`);
  }

  /** Forgets everything; the next measurement initialises the state. */
  reset(): void {
    this.initialized = false;
    this.stamp = Number.NaN;
  }

  /**
   * Feeds a measurement of all joints taken at `stampSlot[0]` (s). @realtime
   * Returns why a measurement was not used; the estimates are unchanged then.
   */
  update(measured: ArrayLike<number>, stampSlot: ArrayLike<number>): MeasurementStatus {
    const nq = this.nq;
    const stamp = stampSlot[0];
    for (let k = 0; k < nq; k++) {
      if (!Number.isFinite(measured[k])) {
        this.invalid++;
        return 'invalid';
      }
    }
    if (!Number.isFinite(stamp)) {
      this.invalid++;
      return 'invalid';
    }
    if (this.initialized) {
      if (stamp === this.stamp) {
        this.duplicates++;
        return 'duplicate';
      }
      if (stamp < this.stamp) {
        this.outOfOrder++;
        return 'out-of-order';
      }
    }
    const dt = stamp - this.stamp;
    if (!this.initialized || dt > this.maxGap) {
      this.initialize(measured);
      this.stamp = stamp;
      return 'accepted';
    }
    const q = this.jerkDensity;
    const dt2 = dt * dt, dt3 = dt2 * dt, dt4 = dt3 * dt, dt5 = dt4 * dt;
    // Discrete white-jerk process noise.
    const q00 = (q * dt5) / 20, q01 = (q * dt4) / 8, q02 = (q * dt3) / 6;
    const q11 = (q * dt3) / 3, q12 = (q * dt2) / 2, q22 = q * dt;
    const P = this.covariance;
    for (let k = 0; k < nq; k++) {
      const o = 6 * k;
      // Predict: x = F x with F = [[1, dt, dt²/2], [0, 1, dt], [0, 0, 1]].
      const a = this.acceleration[k];
      const v = this.velocity[k] + a * dt;
      const p = this.position[k] + this.velocity[k] * dt + 0.5 * a * dt2;
      const p00 = P[o], p01 = P[o + 1], p02 = P[o + 2], p11 = P[o + 3], p12 = P[o + 4], p22 = P[o + 5];
      // P = F P Fᵀ + Q, expanded.
      const f00 = p00 + 2 * dt * p01 + dt2 * (p02 + p11) + dt3 * p12 + 0.25 * dt4 * p22 + q00;
      const f01 = p01 + dt * (p02 + p11) + 1.5 * dt2 * p12 + 0.5 * dt3 * p22 + q01;
      const f02 = p02 + dt * p12 + 0.5 * dt2 * p22 + q02;
      const f11 = p11 + 2 * dt * p12 + dt2 * p22 + q11;
      const f12 = p12 + dt * p22 + q12;
      const f22 = p22 + q22;
      // Update with the position measurement (H = [1 0 0]).
      const s = f00 + this.measurementVariance[k];
      const k0 = f00 / s, k1 = f01 / s, k2 = f02 / s;
      const innovation = measured[k] - p;
      this.position[k] = p + k0 * innovation;
      this.velocity[k] = v + k1 * innovation;
      this.acceleration[k] = a + k2 * innovation;
      P[o] = f00 - k0 * f00;
      P[o + 1] = f01 - k0 * f01;
      P[o + 2] = f02 - k0 * f02;
      P[o + 3] = f11 - k1 * f01;
      P[o + 4] = f12 - k1 * f02;
      P[o + 5] = f22 - k2 * f02;
    }
    this.stamp = stamp;
    return 'accepted';
  }

  /** True when no measurement was accepted within `staleAfter` of `nowSlot[0]` (same clock as the stamps). @realtime */
  isStale(nowSlot: ArrayLike<number>): boolean {
    return !this.initialized || !(nowSlot[0] - this.stamp <= this.staleAfter);
  }

  private initialize(measured: ArrayLike<number>): void {
    for (let k = 0; k < this.nq; k++) {
      this.position[k] = measured[k];
      this.velocity[k] = 0;
      this.acceleration[k] = 0;
      const o = 6 * k;
      this.covariance[o] = this.measurementVariance[k];
      this.covariance[o + 1] = 0;
      this.covariance[o + 2] = 0;
      this.covariance[o + 3] = 1; // (rad/s)²: unknown velocity at start
      this.covariance[o + 4] = 0;
      this.covariance[o + 5] = 100; // (rad/s²)²
    }
    this.initialized = true;
  }
}

/**
 * Velocity by finite differences through a first-order low-pass with time constant `tau` (s):
 * the plain alternative to the Kalman filter, for comparison and for cheap joints. @realtime
 */
export class FilteredDifferentiator {
  readonly velocity: Float64Array;
  private readonly last: Float64Array;
  private lastStamp = Number.NaN;

  constructor(readonly nq: number, readonly tau: number) {
    if (!(tau >= 0)) throw new Error(`FilteredDifferentiator: tau = ${tau} must be ≥ 0`);
    this.velocity = new Float64Array(nq);
    this.last = new Float64Array(nq);
  }

  /** Feeds positions taken at `stampSlot[0]` (s); stale or repeated stamps are ignored. @realtime */
  update(measured: ArrayLike<number>, stampSlot: ArrayLike<number>): void {
    const stamp = stampSlot[0];
    const dt = stamp - this.lastStamp;
    if (Number.isFinite(dt) && dt > 0) {
      const alpha = dt / (this.tau + dt);
      for (let k = 0; k < this.nq; k++) {
        const raw = (measured[k] - this.last[k]) / dt;
        this.velocity[k] += alpha * (raw - this.velocity[k]);
      }
    }
    if (!(dt <= 0)) {
      for (let k = 0; k < this.nq; k++) this.last[k] = measured[k];
      this.lastStamp = stamp;
    }
  }
}
