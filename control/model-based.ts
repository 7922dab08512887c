// Controllers that use the robot dynamics: gravity compensation, computed torque and joint
// impedance. All write effort commands and allocate only at construction.
//
// Friction model used for compensation, joint side, per joint: viscous b and Coulomb f from the
// URDF <dynamics> (model.damping, model.friction) plus, when a drive set is given, the drive's
// reflected friction (joint-side terms + N²·motor viscous, |N|·motor Coulomb). The reflected rotor
// inertia is in the model's armature (withArmature), which crba/rnea already include.
import { biasForces, crba, gravityTorques, standardGravity } from '../robot/dynamics.ts';
import { createData, type RobotData } from '../robot/data.ts';
import type { RobotModel } from '../robot/model.ts';
import type { DriveSet } from '../robot/drive/drive-set.ts';
import type { ControlContext, Controller } from './context.ts';

/** Joint-side friction coefficients used for compensation (nq each). */
export interface FrictionCompensation {
  readonly viscous: Float64Array;
  readonly coulomb: Float64Array;
  /** Velocity band (rad/s) over which Coulomb compensation ramps in (avoids chatter at rest). */
  readonly band: Float64Array;
}

/** Friction to compensate, from the model and (optionally) the drive set; `scale` in [0, 1] (default 0.8: under-compensate). */
export function frictionCompensation(model: RobotModel, drive?: DriveSet, scale = 0.8): FrictionCompensation {
  if (!(scale >= 0 && scale <= 1)) throw new Error(`friction compensation scale = ${scale}, expected 0..1`);
  if (drive && drive.nq !== model.nq) throw new Error(`drive set has ${drive.nq} joints, model has ${model.nq}`);
  const n = model.nq;
  const out: FrictionCompensation = { viscous: new Float64Array(n), coulomb: new Float64Array(n), band: new Float64Array(n).fill(0.01) };
  for (let k = 0; k < n; k++) {
    let b = model.damping[k];
    let f = model.friction[k];
    if (drive) {
      const ratio = Math.abs(drive.ratio[k]);
      b += drive.jointFriction.viscous[k] + ratio * ratio * drive.motorFriction.viscous[k];
      f += drive.jointFriction.coulomb[k] + ratio * drive.motorFriction.coulomb[k];
      out.band[k] = Math.max(0.01, drive.jointFriction.smoothingVelocity[k]);
    }
    out.viscous[k] = scale * b;
    out.coulomb[k] = scale * f;
  }
  return out;
}

/** Adds friction compensation for velocity v into out. @realtime */
export function addFriction(friction: FrictionCompensation | undefined, v: Float64Array, out: Float64Array): void {
  if (!friction) return;
  for (let k = 0; k < out.length; k++) {
    const s = v[k] / friction.band[k];
    out[k] += friction.viscous[k] * v[k] + friction.coulomb[k] * (s > 1 ? 1 : s < -1 ? -1 : s);
  }
}

/** Options shared by the model-based controllers. */
export interface ModelControllerOptions {
  /** Gravity vector in the base frame (3); default [0, 0, -9.81]. */
  gravity?: ArrayLike<number>;
  /** Friction to compensate (see frictionCompensation); default none. */
  friction?: FrictionCompensation;
  /** Workspace; default createData(model). */
  data?: RobotData;
}

function gravityOf(options: ModelControllerOptions): Float64Array {
  const g = Float64Array.from(options.gravity ?? standardGravity);
  if (g.length !== 3 || !g.every(Number.isFinite)) throw new Error(`gravity = [${Array.from(g).join(', ')}], expected 3 finite numbers`);
  return g;
}

function gainArray(value: number | ArrayLike<number>, n: number, name: string): Float64Array {
  const out = typeof value === 'number' ? new Float64Array(n).fill(value) : Float64Array.from(value);
  if (out.length !== n) throw new Error(`${name} has ${out.length} values, expected nq = ${n}`);
  for (let k = 0; k < n; k++) if (!(Number.isFinite(out[k]) && out[k] >= 0)) throw new Error(`${name}[${k}] = ${out[k]}, expected finite >= 0`);
  return out;
}

/**
 * Gravity compensation with joint damping: tau = g(q) + friction(v) − kd·v.
 * Ports: in q, v; out command.effort. `compute` is usable as a cascade feedforward hook.
 */
export class GravityCompensation implements Controller {
  readonly name = 'gravity-compensation';
  readonly mode = 'effort' as const;
  readonly kd: Float64Array;
  private readonly data: RobotData;
  private readonly gravity: Float64Array;
  constructor(readonly model: RobotModel, options: ModelControllerOptions & { kd?: number | ArrayLike<number> } = {}) {
    this.data = options.data ?? createData(model);
    this.gravity = gravityOf(options);
    this.friction = options.friction;
    this.kd = gainArray(options.kd ?? 0, model.nq, 'gravity compensation kd');
    this.compute = this.compute.bind(this);
  }
  readonly friction: FrictionCompensation | undefined;
  /** Writes g(q) + friction(v) into out (nq). @realtime */
  compute(ctx: ControlContext, out: Float64Array): void {
    const g = gravityTorques(this.model, this.data, ctx.q, this.gravity);
    out.set(g);
    addFriction(this.friction, ctx.v, out);
  }
  start(): void {}
  update(ctx: ControlContext): void {
    const c = ctx.command;
    c.mode = 'effort';
    this.compute(ctx, c.effort);
    for (let k = 0; k < ctx.nq; k++) {
      c.effort[k] -= this.kd[k] * ctx.v[k];
      c.position[k] = ctx.qRef[k];
      c.velocity[k] = ctx.vRef[k];
      c.acceleration[k] = ctx.aRef[k];
    }
  }
}

/**
 * Computed torque: tau = M(q)·(aRef + kp·(qRef − q) + kd·(vRef − v)) + C(q, v)·v + g(q) + friction(v).
 * Ports: in q, v, qRef, vRef, aRef; out command.effort. Gains kp (1/s²), kd (1/s) per joint;
 * critical damping: kd = 2·sqrt(kp).
 */
export class ComputedTorqueController implements Controller {
  readonly name = 'computed-torque';
  readonly mode = 'effort' as const;
  readonly kp: Float64Array;
  readonly kd: Float64Array;
  private readonly data: RobotData;
  private readonly gravity: Float64Array;
  private readonly friction: FrictionCompensation | undefined;
  private readonly accel: Float64Array;
  private readonly bias: Float64Array;
  constructor(readonly model: RobotModel, options: ModelControllerOptions & { kp: number | ArrayLike<number>; kd?: number | ArrayLike<number> }) {
    const n = model.nq;
    this.data = options.data ?? createData(model);
    this.gravity = gravityOf(options);
    this.friction = options.friction;
    this.kp = gainArray(options.kp, n, 'computed torque kp');
    this.kd = options.kd === undefined ? this.kp.map((kp) => 2 * Math.sqrt(kp)) : gainArray(options.kd, n, 'computed torque kd');
    this.accel = new Float64Array(n);
    this.bias = new Float64Array(n);
  }
  start(): void {}
  update(ctx: ControlContext): void {
    const n = ctx.nq;
    const c = ctx.command;
    c.mode = 'effort';
    for (let k = 0; k < n; k++) this.accel[k] = ctx.aRef[k] + this.kp[k] * (ctx.qRef[k] - ctx.q[k]) + this.kd[k] * (ctx.vRef[k] - ctx.v[k]);
    const M = crba(this.model, this.data, ctx.q);
    biasForces(this.model, this.data, ctx.q, ctx.v, this.gravity, this.bias);
    for (let i = 0; i < n; i++) {
      let sum = this.bias[i];
      for (let j = 0; j < n; j++) sum += M[i * n + j] * this.accel[j];
      c.effort[i] = sum;
      c.position[i] = ctx.qRef[i];
      c.velocity[i] = ctx.vRef[i];
      c.acceleration[i] = ctx.aRef[i];
    }
    addFriction(this.friction, ctx.v, c.effort);
  }
}

/**
 * Joint impedance: tau = K·(qRef − q) + D·(vRef − v) + g(q) + friction(v) [+ M(q)·aRef + C(q,v)·v with `inertial`].
 * Ports: in q, v, qRef, vRef, aRef; out command.effort. K (N·m/rad), D (N·m·s/rad) per joint;
 * D defaults to 2·sqrt(K·M_kk(q=0)) (critical damping of each joint alone, armature included).
 */
export class JointImpedanceController implements Controller {
  readonly name = 'joint-impedance';
  readonly mode = 'effort' as const;
  readonly stiffness: Float64Array;
  readonly damping: Float64Array;
  private readonly data: RobotData;
  private readonly gravity: Float64Array;
  private readonly friction: FrictionCompensation | undefined;
  private readonly inertial: boolean;
  private readonly bias: Float64Array;
  constructor(
    readonly model: RobotModel,
    options: ModelControllerOptions & { stiffness: number | ArrayLike<number>; damping?: number | ArrayLike<number>; inertial?: boolean },
  ) {
    const n = model.nq;
    this.data = options.data ?? createData(model);
    this.gravity = gravityOf(options);
    this.friction = options.friction;
    this.inertial = options.inertial ?? false;
    this.stiffness = gainArray(options.stiffness, n, 'impedance stiffness');
    if (options.damping === undefined) {
      const M = crba(model, this.data, new Float64Array(n));
      this.damping = this.stiffness.map((K, k) => 2 * Math.sqrt(K * M[k * n + k]));
    } else {
      this.damping = gainArray(options.damping, n, 'impedance damping');
    }
    this.bias = new Float64Array(n);
  }
  start(): void {}
  update(ctx: ControlContext): void {
    const n = ctx.nq;
    const c = ctx.command;
    c.mode = 'effort';
    if (this.inertial) {
      const M = crba(this.model, this.data, ctx.q);
      biasForces(this.model, this.data, ctx.q, ctx.v, this.gravity, this.bias);
      for (let i = 0; i < n; i++) {
        let sum = this.bias[i];
        for (let j = 0; j < n; j++) sum += M[i * n + j] * ctx.aRef[j];
        c.effort[i] = sum;
      }
    } else {
      c.effort.set(gravityTorques(this.model, this.data, ctx.q, this.gravity));
    }
    for (let k = 0; k < n; k++) {
      c.effort[k] += this.stiffness[k] * (ctx.qRef[k] - ctx.q[k]) + this.damping[k] * (ctx.vRef[k] - ctx.v[k]);
      c.position[k] = ctx.qRef[k];
      c.velocity[k] = ctx.vRef[k];
      c.acceleration[k] = ctx.aRef[k];
    }
    addFriction(this.friction, ctx.v, c.effort);
  }
}
