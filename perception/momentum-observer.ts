// External joint torques and collisions from a generalized-momentum observer (De Luca et al.,
// "Collision detection and safe reaction with the DLR-III lightweight manipulator arm", 2006).
//
// Ports: in  — q, v (nv), applied joint torque tau (nv: motor torque through the drive, joint
//              side), friction torque tau_f (nv; from the drive's friction model or the URDF), dt;
//        out — `residual` r ≈ tau_ext (nv), `collision` flag with the joint that tripped it.
// ṗ = tau − tau_f + Cᵀv − g + tau_ext with p = M v; r = K (p − p0 − ∫(tau − tau_f + Cᵀv − g + r)).
// Cᵀv is formed as Ṁv − Cv, with Ṁ differenced from the previous tick's mass matrix.
import { createData, type RobotData } from '../robot/data.ts';
import { biasForces, crba } from '../robot/dynamics.ts';
import type { RobotModel } from '../robot/model.ts';

/** Options: observer gain and collision thresholds with hysteresis (per joint or one for all). */
export interface MomentumObserverOptions {
  /** Observer gain K (1/s): the residual follows tau_ext with time constant 1/K. */
  gain?: number;
  /** |r_i| above this raises a collision (N·m). */
  threshold: number | ArrayLike<number>;
  /** |r_i| must fall below this on every joint to clear it (N·m); default half the threshold. */
  release?: number | ArrayLike<number>;
  /** Gravity in the base frame (m/s²). */
  gravity?: ArrayLike<number>;
}

/** Generalized-momentum observer with threshold-and-hysteresis collision detection. */
export class MomentumObserver {
  /** Estimated external joint torque (nv, N·m). */
  readonly residual: Float64Array;
  /** True while a collision is detected; `collisionJoint` is the first joint over its threshold. */
  collision = false;
  collisionJoint = -1;
  /** Observer time (s) at which the current collision was raised, and the number raised so far. */
  collisionTime = Number.NaN;
  collisions = 0;
  private readonly data: RobotData;
  private readonly gain: number;
  private readonly threshold: Float64Array;
  private readonly release: Float64Array;
  private readonly gravity: Float64Array;
  private readonly integral: Float64Array;
  private readonly p0: Float64Array;
  private readonly previousM: Float64Array;
  private readonly bias: Float64Array;
  private time = 0;
  private started = false;

  constructor(readonly model: RobotModel, options: MomentumObserverOptions) {
    const nv = model.nv;
    this.data = createData(model);
    this.gain = options.gain ?? 50;
    if (!(this.gain > 0)) throw new Error(`MomentumObserver: gain = ${this.gain} must be positive`);
    const perJoint = (value: number | ArrayLike<number>, name: string) => {
      const out = new Float64Array(nv);
      for (let k = 0; k < nv; k++) {
        out[k] = typeof value === 'number' ? value : value[k];
        if (!(out[k] > 0)) throw new Error(`MomentumObserver: ${name}[${k}] (joint "${model.jointNames[k]}") = ${out[k]} must be positive`);
      }
      return out;
    };
    this.threshold = perJoint(options.threshold, 'threshold');
    this.release = options.release === undefined ? this.threshold.map((t) => t / 2) : perJoint(options.release, 'release');
    this.gravity = Float64Array.from(options.gravity ?? [0, 0, -9.81]);
    this.residual = new Float64Array(nv);
    this.integral = new Float64Array(nv);
    this.p0 = new Float64Array(nv);
    this.previousM = new Float64Array(nv * nv);
    this.bias = new Float64Array(nv);
  }

  /** Restarts the observer at the next update (residual zero, collision cleared). */
  reset(): void {
    this.started = false;
    this.collision = false;
    this.collisionJoint = -1;
    this.residual.fill(0);
  }

  /**
   * One observer step over `step.dt` (s): tau is the torque applied over the coming step. `step` is
   * an object (the control loop's LoopTime fits) because V8 boxes a double passed to a call it
   * does not inline. @realtime
   */
  update(q: ArrayLike<number>, v: ArrayLike<number>, tau: ArrayLike<number>, tauFriction: ArrayLike<number>, step: { readonly dt: number }): void {
    const model = this.model, data = this.data, nv = model.nv, dt = step.dt;
    crba(model, data, q);
    const M = data.M;
    if (!this.started) {
      for (let i = 0; i < nv; i++) {
        let p = 0;
        for (let j = 0; j < nv; j++) p += M[i * nv + j] * v[j];
        this.p0[i] = p;
      }
      this.residual.fill(0);
      this.previousM.set(M);
      this.started = true;
      this.time = 0;
      const bias = biasForces(model, data, q, v, this.gravity, this.bias);
      for (let i = 0; i < nv; i++) this.integral[i] = (tau[i] - tauFriction[i] - bias[i]) * dt;
      return;
    }
    if (!(dt > 0)) return;
    // Discretised to match a semi-implicit Euler plant exactly: over [k-1, k] the momentum changes
    // by (tau − tau_f − C·v − g)·dt at k-1 plus (M_k − M_{k-1})·v_k, the Ṁv part of Cᵀv.
    const Mp = this.previousM, K = this.gain;
    for (let i = 0; i < nv; i++) {
      let mdotV = 0;
      for (let j = 0; j < nv; j++) mdotV += (M[i * nv + j] - Mp[i * nv + j]) * v[j];
      this.integral[i] += mdotV;
    }
    for (let i = 0; i < nv; i++) {
      let p = 0;
      for (let j = 0; j < nv; j++) p += M[i * nv + j] * v[j];
      const r = K * (p - this.p0[i] - this.integral[i]);
      this.residual[i] = Number.isFinite(r) ? r : 0;
    }
    // One RNEA pass gives C·v + g; the integrand holds over the coming interval.
    const bias = biasForces(model, data, q, v, this.gravity, this.bias);
    for (let i = 0; i < nv; i++) this.integral[i] += (tau[i] - tauFriction[i] - bias[i] + this.residual[i]) * dt;
    Mp.set(M);
    this.time += dt;
    this.detect();
  }

  private detect(): void {
    const nv = this.model.nv, r = this.residual;
    if (!this.collision) {
      for (let i = 0; i < nv; i++) {
        if (Math.abs(r[i]) > this.threshold[i]) {
          this.collision = true;
          this.collisionJoint = i;
          this.collisionTime = this.time;
          this.collisions++;
          return;
        }
      }
    } else {
      for (let i = 0; i < nv; i++) if (Math.abs(r[i]) >= this.release[i]) return;
      this.collision = false;
      this.collisionJoint = -1;
    }
  }
}
