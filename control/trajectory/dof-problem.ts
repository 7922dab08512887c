// One DoF's state-to-state problem, reduced to a one-parameter family of profiles.
//
// After an optional brake (when the current state lies outside the limits, or would overshoot the
// velocity limit under the current acceleration), every profile considered here is
//   group A: time-optimal velocity change (v0, a0) -> (vp, 0)      jerk s·J, 0, -s·J
//   cruise:  constant velocity vp for tc >= 0
//   group B: time-optimal velocity change (vp, 0) -> (vf, af)      jerk s·J, 0, -s·J
// parameterised by the peak velocity vp in [vMin, vMax]. `evaluate()` at vp = `candidate` gives the duration T(vp)
// and the distance D(vp) of the profile without cruise, and their derivatives:
//   T'(vp) = 1/apA - 1/apB,   D'(vp) = vp·T'(vp) + K,   K = (t3A + t1B)/2 > 0,
// so for a fixed total duration the distance with cruise, D + vp·(T - T(vp)), grows with vp.

import type { TrajectoryInput } from './types.ts';

/** Most brake phases: reduce the acceleration, then the velocity, and again when the first overshoots. */
export const MAX_BRAKE_PHASES = 4;

/** Working record of one DoF: limits, braked start state, target, and the last `evaluate` result. */
export class DofProblem {
  /** Velocity, acceleration and jerk limits of this DoF (vMin < 0 < vMax, aMin < 0 < aMax). */
  vMax = 1;
  vMin = -1;
  aMax = 1;
  aMin = -1;
  jerk = 1;
  /** Brake phases before the main profile: count (0..MAX_BRAKE_PHASES), their jerks and durations, total. */
  brakeCount = 0;
  readonly brakeJerks = new Float64Array(MAX_BRAKE_PHASES);
  readonly brakeTimes = new Float64Array(MAX_BRAKE_PHASES);
  brakeDuration = 0;
  /** Start of the main profile (after the brake), and the target. */
  p0 = 0;
  v0 = 0;
  a0 = 0;
  pf = 0;
  vf = 0;
  af = 0;
  /** Distance the main profile must cover: pf - p0. */
  distance = 0;
  /** Velocities at which group A (aStar) or group B (bStar) takes its shortest time. */
  aStar = 0;
  bStar = 0;
  /** lower = min(aStar, bStar), upper = max; T(vp) falls on [vMin, lower], is concave on [lower, upper], rises on [upper, vMax]. */
  lower = 0;
  upper = 0;
  /** Maximum of T(vp) between lower and upper. */
  peak = 0;
  /** T and D at lower, upper, peak, vMax, vMin. */
  timeLower = 0;
  distanceLower = 0;
  timeUpper = 0;
  distanceUpper = 0;
  timePeak = 0;
  distancePeak = 0;
  timeVMax = 0;
  distanceVMax = 0;
  timeVMin = 0;
  distanceVMin = 0;
  /** Shortest main-profile duration (velocity change alone): min(timeLower, timeUpper). */
  timeVelocityChange = 0;

  /** Step 1 result: shortest total duration (brake included) and the blocked intervals (start, end pairs). */
  minimumDuration = 0;
  blockedCount = 0;
  readonly blocked = new Float64Array(8);
  /** Profiles at the minimum and at each blocked interval's end: peak velocity and EventKind. */
  minimumPeak = 0;
  minimumKind = 0;
  readonly blockedPeak = new Float64Array(4);
  readonly blockedKind = new Uint8Array(4);

  /**
   * Argument of `evaluate` (the peak velocity vp), and the root-finding request of roots.ts. Hot
   * functions take their numbers through fields: V8 boxes doubles passed to or returned from a
   * call it does not inline, and that would allocate.
   */
  candidate = 0;
  rootValue = 0;
  rootA = 0;
  rootB = 0;
  rootFa = 0;
  rootFb = 0;
  /** Requested total duration of `buildForDuration`, the same without the brake, and the cruise time of the profile it appends. */
  requestedDuration = 0;
  mainDuration = 0;
  cruise = 0;

  /** Results of the last `evaluate`: T(vp), D(vp), T'(vp), K. */
  time = 0;
  dist = 0;
  slope = 0;
  k = 0;
  /** Group A of the last `evaluate`: direction sign, phase durations. */
  signA = 1;
  timeA1 = 0;
  timeA2 = 0;
  timeA3 = 0;
  /** Group B of the last `evaluate`: direction sign, phase durations. */
  signB = 1;
  timeB1 = 0;
  timeB2 = 0;
  timeB3 = 0;

  /**
   * Profile without cruise through peak velocity `vp`; writes time, dist, slope, k and the phases.
   * @realtime
   */
  evaluate(): void {
    const vp = this.candidate;
    const jerk = this.jerk;
    const twoJerk = 2 * jerk;
    // Group A: (v0, a0) -> (vp, 0).
    const a0 = this.a0;
    const v0 = this.v0;
    let dv = vp - v0;
    let sign = vp >= this.aStar ? 1 : -1;
    let square = sign * jerk * dv + 0.5 * a0 * a0;
    let peak = sign * Math.sqrt(square > 0 ? square : 0);
    let plateau = 0;
    if (peak > this.aMax) {
      peak = this.aMax;
      plateau = (dv - (2 * peak * peak - a0 * a0) / twoJerk) / peak;
    } else if (peak < this.aMin) {
      peak = this.aMin;
      plateau = (dv + (2 * peak * peak - a0 * a0) / twoJerk) / peak;
    }
    if (plateau < 0) plateau = 0;
    let t1 = (sign * (peak - a0)) / jerk;
    if (t1 < 0) t1 = 0;
    let t3 = (sign * peak) / jerk;
    let j1 = sign * jerk;
    let v1 = v0 + a0 * t1 + 0.5 * j1 * t1 * t1;
    let position = t1 * (v0 + t1 * (0.5 * a0 + (j1 * t1) / 6));
    position += plateau * (v1 + 0.5 * peak * plateau);
    let v2 = v1 + peak * plateau;
    position += t3 * (v2 + t3 * (0.5 * peak - (j1 * t3) / 6));
    this.signA = sign;
    this.timeA1 = t1;
    this.timeA2 = plateau;
    this.timeA3 = t3;
    const inverseA = peak !== 0 ? 1 / peak : sign * 1e30;
    const timeA = t1 + plateau + t3;
    const kA = t3;

    // Group B: (vp, 0) -> (vf, af).
    const af = this.af;
    dv = this.vf - vp;
    sign = vp <= this.bStar ? 1 : -1;
    square = sign * jerk * dv + 0.5 * af * af;
    peak = sign * Math.sqrt(square > 0 ? square : 0);
    plateau = 0;
    if (peak > this.aMax) {
      peak = this.aMax;
      plateau = (dv - (2 * peak * peak - af * af) / twoJerk) / peak;
    } else if (peak < this.aMin) {
      peak = this.aMin;
      plateau = (dv + (2 * peak * peak - af * af) / twoJerk) / peak;
    }
    if (plateau < 0) plateau = 0;
    t1 = (sign * peak) / jerk;
    t3 = (sign * (peak - af)) / jerk;
    if (t3 < 0) t3 = 0;
    j1 = sign * jerk;
    v1 = vp + 0.5 * j1 * t1 * t1;
    position += t1 * (vp + (j1 * t1 * t1) / 6);
    position += plateau * (v1 + 0.5 * peak * plateau);
    v2 = v1 + peak * plateau;
    position += t3 * (v2 + t3 * (0.5 * peak - (j1 * t3) / 6));
    this.signB = sign;
    this.timeB1 = t1;
    this.timeB2 = plateau;
    this.timeB3 = t3;
    const inverseB = peak !== 0 ? 1 / peak : sign * 1e30;

    this.time = timeA + t1 + plateau + t3;
    this.dist = position;
    this.slope = inverseA - inverseB;
    this.k = 0.5 * (kA + t1);
  }

  /**
   * Loads limits and states, computes the brake and the landmarks of T(vp).
   * @realtime
   */
  prepare(input: TrajectoryInput, i: number): void {
    const vMax = input.maxVelocity[i];
    const aMax = input.maxAcceleration[i];
    const vMin = input.minVelocity === null ? -vMax : input.minVelocity[i];
    const aMin = input.minAcceleration === null ? -aMax : input.minAcceleration[i];
    const jerk = input.maxJerk[i];
    const vf = input.targetVelocity[i];
    const af = input.targetAcceleration[i];
    const pf = input.targetPosition[i];
    this.vMax = vMax;
    this.vMin = vMin;
    this.aMax = aMax;
    this.aMin = aMin;
    this.jerk = jerk;
    this.pf = pf;
    this.vf = vf;
    this.af = af;
    this.p0 = input.currentPosition[i];
    this.v0 = input.currentVelocity[i];
    this.a0 = input.currentAcceleration[i];
    this.brake();
    this.distance = pf - this.p0;
    const twoJerk = 2 * jerk;
    let aStar = this.v0 + (this.a0 * Math.abs(this.a0)) / twoJerk;
    let bStar = vf - (af * Math.abs(af)) / twoJerk;
    aStar = aStar > vMax ? vMax : aStar < vMin ? vMin : aStar;
    bStar = bStar > vMax ? vMax : bStar < vMin ? vMin : bStar;
    this.aStar = aStar;
    this.bStar = bStar;
    const lower = aStar < bStar ? aStar : bStar;
    const upper = aStar < bStar ? bStar : aStar;
    this.lower = lower;
    this.upper = upper;
    this.candidate = lower;
    this.evaluate();
    this.timeLower = this.time;
    this.distanceLower = this.dist;
    this.candidate = upper;
    this.evaluate();
    this.timeUpper = this.time;
    this.distanceUpper = this.dist;
    if (upper > lower) {
      const a0Square = this.a0 * this.a0;
      const afSquare = af * af;
      let peak = 0.5 * (this.v0 + vf) + (aStar <= bStar ? afSquare - a0Square : a0Square - afSquare) / (4 * jerk);
      peak = peak < lower ? lower : peak > upper ? upper : peak;
      this.peak = peak;
      this.candidate = peak;
    this.evaluate();
      this.timePeak = this.time;
      // Where the acceleration limit flattens T, the stationary point may sit below an end.
      if (this.timeUpper >= this.timePeak) {
        this.peak = upper;
        this.timePeak = this.timeUpper;
        this.distancePeak = this.distanceUpper;
      }
      if (this.timeLower > this.timePeak) {
        this.peak = lower;
        this.timePeak = this.timeLower;
        this.distancePeak = this.distanceLower;
      }
    } else {
      this.peak = lower;
      this.timePeak = this.timeLower;
      this.distancePeak = this.distanceLower;
    }
    this.candidate = vMax;
    this.evaluate();
    this.timeVMax = this.time;
    this.distanceVMax = this.dist;
    this.candidate = vMin;
    this.evaluate();
    this.timeVMin = this.time;
    this.distanceVMin = this.dist;
    this.timeVelocityChange = this.timeLower < this.timeUpper ? this.timeLower : this.timeUpper;
  }

  /**
   * Brakes the state p0, v0, a0 into the limits and replaces it by the result. Each phase applies
   * the first rule that fits: above the velocity range (or bound to overshoot it under the current
   * acceleration), jerk down until the acceleration reaches aMin or the velocity falls to vMax,
   * then hold aMin; mirrored below it; an acceleration beyond its limit ramps back to it. A state
   * whose overshoot cannot be prevented (acceleration too large for the jerk limit) overshoots
   * and is braked back by the next phases.
   */
  private brake(): void {
    let p = this.p0;
    let v = this.v0;
    let a = this.a0;
    const jerk = this.jerk;
    const vMax = this.vMax;
    const vMin = this.vMin;
    const aMax = this.aMax;
    const aMin = this.aMin;
    const tolerance = 1e-12 * (1 + Math.abs(vMax) + Math.abs(vMin));
    const aTolerance = 1e-12 * (aMax - aMin);
    // Braking into the velocity range ends at one of its limits with the acceleration still on;
    // releasing that acceleration (jerk-limited) must not carry the velocity past the other limit.
    const release = Math.sqrt(2 * jerk * (vMax - vMin));
    const aHigh = aMax < release ? aMax : release;
    const aLow = aMin > -release ? aMin : -release;
    this.brakeCount = 0;
    this.brakeDuration = 0;
    for (let phase = 0; phase < MAX_BRAKE_PHASES; phase++) {
      const overUp = v > vMax + tolerance || (a > 0 && v + (a * a) / (2 * jerk) > vMax + tolerance);
      const overDown = v < vMin - tolerance || (a < 0 && v - (a * a) / (2 * jerk) < vMin - tolerance);
      let j = 0;
      let t = 0;
      // What the phase ends on exactly: 1 acceleration aMin, 2 aMax, 3 velocity vMax, 4 vMin.
      let lands = 0;
      if (overUp) {
        if (a < aLow - aTolerance) {
          j = jerk;
          t = (aLow - a) / jerk;
          lands = 1;
        } else if (a <= aLow + aTolerance) {
          t = (v - vMax) / -a;
          lands = 3;
        } else {
          const toLimit = (a - aLow) / jerk;
          const discriminant = a * a + 2 * jerk * (v - vMax);
          const toVelocity = (a + Math.sqrt(discriminant > 0 ? discriminant : 0)) / jerk;
          j = -jerk;
          t = toVelocity < toLimit ? toVelocity : toLimit;
          lands = toVelocity < toLimit ? 3 : 1;
        }
      } else if (overDown) {
        if (a > aHigh + aTolerance) {
          j = -jerk;
          t = (a - aHigh) / jerk;
          lands = 2;
        } else if (a >= aHigh - aTolerance) {
          t = (vMin - v) / a;
          lands = 4;
        } else {
          const toLimit = (aHigh - a) / jerk;
          const discriminant = a * a + 2 * jerk * (vMin - v);
          const toVelocity = (-a + Math.sqrt(discriminant > 0 ? discriminant : 0)) / jerk;
          j = jerk;
          t = toVelocity < toLimit ? toVelocity : toLimit;
          lands = toVelocity < toLimit ? 4 : 2;
        }
      } else if (a > aMax) {
        j = -jerk;
        t = (a - aMax) / jerk;
        lands = 2;
      } else if (a < aMin) {
        j = jerk;
        t = (aMin - a) / jerk;
        lands = 1;
      } else {
        break;
      }
      if (!(t > 0)) break;
      p += t * (v + t * (0.5 * a + (j * t) / 6));
      v += t * (a + 0.5 * j * t);
      a += j * t;
      if (lands === 1) a = overUp ? aLow : aMin;
      else if (lands === 2) a = overDown ? aHigh : aMax;
      else if (lands === 3) v = vMax;
      else v = vMin;
      this.brakeJerks[this.brakeCount] = j;
      this.brakeTimes[this.brakeCount] = t;
      this.brakeCount++;
      this.brakeDuration += t;
    }
    if (a > aMax) a = aMax;
    if (a < aMin) a = aMin;
    this.p0 = p;
    this.v0 = v;
    this.a0 = a;
  }
}
