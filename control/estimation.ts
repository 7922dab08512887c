// Perception-based estimator for the control pipeline: a Kalman joint-state filter on the measured
// positions (velocity and acceleration from the filter, never the message's velocity), stale-data
// detection on loop time, and a generalized-momentum observer for external torque / collisions.
//
// Ports: in  — robot state ports (position, effort, stamp, sequence); after the command is limited,
//              the command (mode, effort) through `observe`;
//        out — ctx.q, ctx.v, ctx.effort; `acceleration` (nq); `stale`; the observer's residual and
//              collision flag (`observer`).
// The observer runs once per new measurement, after the command of that tick is known, with the
// applied torque = the measured effort when the hardware reports it, else the limited effort
// command (effort mode; without either the observer is off). Friction: for a commanded torque, the drive's
// joint- and motor-side curves when a DriveSet is given, else the URDF's damping and friction
// (as robot/dynamics.ts jointFriction, with the Coulomb term regularized); a measured output torque gets the URDF's only.
import type { DriveSet } from '../robot/drive/drive-set.ts';
import { regularizedFriction } from '../robot/drive/friction.ts';
import { simulationArmatureOf } from '../robot/drive/maps.ts';
import { withArmature, type RobotModel } from '../robot/model.ts';
import type { JointStatePorts } from '../robot/ports.ts';
import { JointStateEstimator } from '../perception/joint-state-estimator.ts';
import { MomentumObserver } from '../perception/momentum-observer.ts';
import type { ControlContext, Estimator } from './context.ts';

/** Options of the Kalman estimator; SI units. */
export interface KalmanEstimatorOptions {
  /** Encoder quantum per joint (rad) or one for all; default 0 (ideal sensor, the filter floors the variance). */
  quantum?: number | ArrayLike<number>;
  /** Extra position noise standard deviation (rad); default 1e-5. */
  noise?: number;
  /** White-jerk spectral density (rad²/s⁵); default 1e6 (follows a full-speed trajectory with < 1 ms lag). */
  jerkDensity?: number;
  /** Loop time (s) without an accepted measurement after which the estimate is stale; default 0.1 s. */
  staleAfter?: number;
  /** Collision detection; omitted: no observer. */
  collision?: CollisionObserverOptions;
  /** Drive models: their friction feeds the observer instead of the URDF's. */
  drive?: DriveSet;
  /** Velocity band (rad/s) over which the URDF's Coulomb friction is regularized in the observer; default 0.01. */
  frictionVelocity?: number;
}

/** Momentum-observer settings of the estimator. */
export interface CollisionObserverOptions {
  /** |residual| above this raises a collision (N·m per joint, or one value); default 10 % of each effort limit. */
  threshold?: number | ArrayLike<number>;
  /** Observer gain (1/s); default 100 (20 ms detection needs a residual time constant well below it). */
  gain?: number;
  /** Gravity in the base frame (m/s²). */
  gravity?: ArrayLike<number>;
}

/** An estimator that also sees the tick's limited command (the pipeline calls `observe` after the limiter). */
export interface ObservingEstimator extends Estimator {
  /** True when no measurement was accepted for `staleAfter` of loop time. */
  readonly stale: boolean;
  /** @realtime Called after the limiter with this tick's command (ctx.command). */
  observe(ctx: ControlContext): void;
}

/** True when `estimator` has the `observe` hook. */
export function isObservingEstimator(estimator: Estimator): estimator is ObservingEstimator {
  return typeof (estimator as Partial<ObservingEstimator>).observe === 'function';
}

/** Default collision thresholds: `fraction` of each joint's effort limit (N·m); joints without a limit get 10 N·m·fraction·10. */
export function collisionThresholdsFromModel(model: RobotModel, fraction = 0.1): Float64Array {
  if (!(fraction > 0)) throw new Error(`collision threshold fraction = ${fraction}, expected > 0`);
  const out = new Float64Array(model.nv);
  for (let k = 0; k < model.nv; k++) {
    const limit = model.effortLimit[k];
    out[k] = Number.isFinite(limit) && limit > 0 ? fraction * limit : 10;
  }
  return out;
}

/** Kalman joint-state estimate with stale detection and an optional momentum observer. */
export class KalmanEstimator implements ObservingEstimator {
  readonly name = 'kalman';
  readonly filter: JointStateEstimator;
  /** The momentum observer, when collision detection is on. */
  readonly observer: MomentumObserver | undefined;
  /** Estimated joint acceleration (nq, rad/s²), model joint order. */
  readonly acceleration: Float64Array;
  stale = true;
  /** Measurements rejected by the filter (out of order, duplicated, non-finite). */
  get rejected(): number {
    return this.filter.outOfOrder + this.filter.duplicates + this.filter.invalid;
  }
  private readonly model: RobotModel;
  private readonly drive: DriveSet | undefined;
  private readonly nq: number;
  private readonly measured: Float64Array;
  private readonly measuredEffort: Float64Array;
  private readonly friction: Float64Array;
  private readonly tau: Float64Array;
  // [stamp of this tick's measurement, loop time of the last accepted one, stamp of the previous observer step].
  private readonly slots = new Float64Array(3);
  private readonly step = { dt: 0.5 };
  private readonly staleAfter: number = 0.5;
  private lastSequence = -1;
  private lastEffortMode = false;
  private readonly previousQ: Float64Array;
  private readonly previousV: Float64Array;
  /** Coulomb friction is regularized over ±this velocity (rad/s): the filtered velocity's noise at rest must not flip it. */
  private readonly frictionVelocity: number = 0.5;
  private fresh = false;

  constructor(model: RobotModel, options: KalmanEstimatorOptions = {}) {
    this.model = model;
    this.nq = model.nq;
    this.drive = options.drive;
    if (this.drive && this.drive.nq !== model.nq) throw new Error(`KalmanEstimator: drive has ${this.drive.nq} joints, model ${model.nq}`);
    this.filter = new JointStateEstimator(model.nq, {
      quantum: options.quantum ?? 0,
      noise: options.noise ?? 1e-5,
      jerkDensity: options.jerkDensity ?? 1e6,
      staleAfter: options.staleAfter ?? 0.1,
    });
    const staleAfter = options.staleAfter ?? 0.1;
    if (!(staleAfter > 0)) throw new Error(`KalmanEstimator: staleAfter = ${staleAfter}, expected > 0 s`);
    this.staleAfter = staleAfter;
    this.acceleration = new Float64Array(model.nq);
    this.measured = new Float64Array(model.nq);
    this.measuredEffort = new Float64Array(model.nq);
    this.friction = new Float64Array(model.nq);
    this.tau = new Float64Array(model.nq);
    this.previousQ = new Float64Array(model.nq);
    this.previousV = new Float64Array(model.nq);
    const frictionVelocity = options.frictionVelocity ?? 0.01;
    if (!(frictionVelocity > 0)) throw new Error(`KalmanEstimator: frictionVelocity = ${frictionVelocity}, expected > 0 rad/s`);
    this.frictionVelocity = frictionVelocity;
    this.slots.fill(Number.NaN);
    this.step.dt = 0;
    if (options.collision) {
      const c = options.collision;
      // The torque a rigid drive delivers also accelerates its rotor: the observer's model carries the
      // reflected rotor inertia of rigid drives (compliant drives' rotors sit behind the spring).
      const observed = this.drive !== undefined ? withArmature(model, simulationArmatureOf(this.drive)) : model;
      this.observer = new MomentumObserver(observed, {
        threshold: c.threshold ?? collisionThresholdsFromModel(model),
        gain: c.gain ?? 100,
        ...(c.gravity ? { gravity: c.gravity } : {}),
      });
    }
  }

  /** Reads the ports; filters a new measurement; writes ctx.q/v/effort. @realtime */
  estimate(state: JointStatePorts, portIndex: Int32Array, ctx: ControlContext): boolean {
    const nq = this.nq, slots = this.slots;
    this.fresh = false;
    if (state.sequence !== this.lastSequence) {
      this.lastSequence = state.sequence;
      for (let k = 0; k < nq; k++) {
        const i = portIndex[k];
        this.measured[k] = state.position[i];
        this.measuredEffort[k] = state.effort[i];
      }
      // The hardware stamp when there is one (exact intervals), else this tick's loop time.
      const stamp = state.stamp;
      slots[0] = Number.isFinite(stamp) && stamp > 0 ? stamp : ctx.t;
      if (this.filter.update(this.measured, slots) === 'accepted') {
        slots[1] = ctx.t;
        this.fresh = true;
      }
    }
    this.stale = !(ctx.t - slots[1] <= this.staleAfter);
    const f = this.filter;
    let ok = !Number.isNaN(slots[1]);
    for (let k = 0; k < nq; k++) {
      const q = f.position[k], v = f.velocity[k];
      ctx.q[k] = q;
      ctx.v[k] = v;
      ctx.effort[k] = this.measuredEffort[k];
      this.acceleration[k] = f.acceleration[k];
      if (!(Number.isFinite(q) && Number.isFinite(v))) ok = false;
    }
    return ok;
  }

  /**
   * Steps the momentum observer on a fresh measurement. @realtime
   * A commanded effort acts over the coming interval: the observer steps at this sample with it. A
   * measured effort is the torque over the interval that just ended: the observer steps at the
   * previous sample with it (one sample later, but a stiff drive's torque spikes line up with the
   * motion they cause).
   */
  observe(ctx: ControlContext): void {
    const observer = this.observer;
    if (observer === undefined || !this.fresh) return;
    const nq = this.nq, slots = this.slots, c = ctx.command;
    // The measured torque when the hardware reports one (it holds what the drive really delivered),
    // else the effort command; with neither (position command, no effort reported) it cannot run.
    let measured = true;
    for (let k = 0; k < nq; k++) if (!Number.isFinite(this.measuredEffort[k])) measured = false;
    const effortMode = !measured;
    if (effortMode && c.mode !== 'effort') {
      this.restartObserver();
      return;
    }
    for (let k = 0; k < nq; k++) {
      const tau = effortMode ? c.effort[k] : this.measuredEffort[k];
      if (!Number.isFinite(tau)) {
        this.restartObserver();
        return;
      }
      this.tau[k] = tau;
    }
    const stamp = slots[0];
    const dt = stamp - slots[2];
    const continuous = dt > 0 && dt <= 4 * this.staleAfter && this.lastEffortMode === effortMode;
    // A gap (first sample, a pause, a change of command mode) restarts the observer rather than integrating across it.
    if (!continuous) observer.reset();
    this.lastEffortMode = effortMode;
    slots[2] = stamp;
    if (effortMode) {
      this.step.dt = continuous ? dt : ctx.dt;
      this.frictionTorques(ctx.q, ctx.v, true);
      observer.update(ctx.q, ctx.v, this.tau, this.friction, this.step);
    } else if (continuous) {
      this.step.dt = dt;
      this.frictionTorques(this.previousQ, this.previousV, false);
      observer.update(this.previousQ, this.previousV, this.tau, this.friction, this.step);
    }
    this.previousQ.set(ctx.q);
    this.previousV.set(ctx.v);
  }

  private restartObserver(): void {
    this.observer?.reset();
    this.slots[2] = Number.NaN;
  }

  /** Friction torques at the joint (N·m): the drive's joint- and motor-side curves, or the URDF's. @realtime */
  private frictionTorques(q: Float64Array, v: Float64Array, commanded: boolean): void {
    const drive = this.drive;
    if (drive === undefined || !commanded) {
      const model = this.model, eps = this.frictionVelocity;
      for (let k = 0; k < this.nq; k++) {
        const ratio = v[k] / eps;
        this.friction[k] = model.damping[k] * v[k] + model.friction[k] * (ratio > 1 ? 1 : ratio < -1 ? -1 : ratio);
      }
      return;
    }
    for (let k = 0; k < this.nq; k++) {
      const N = drive.ratio[k];
      this.friction[k] = regularizedFriction(drive.jointFriction, k, v[k]) + N * regularizedFriction(drive.motorFriction, k, N * v[k]);
    }
  }
}
