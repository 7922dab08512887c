// Joint and Cartesian jogging as a reference source, with MoveIt Servo semantics:
// control_msgs/JointJog (per-joint velocities) and geometry_msgs/TwistStamped (end-effector twist)
// commands that must keep coming; resolved-rate motion by damped least squares; slowing near
// singularities (condition number of J between two thresholds) and near joint limits; a stop
// (deceleration to rest) when the stream stops for `timeout`.
//
// Ports: in ctx.qRef (integrates from it), ctx.dt; out ctx.qRef, vRef, aRef.
// Inputs arrive outside the tick through `jointJog` / `twist` (validated, no allocation).
import { jacobian, forwardKinematics } from '../robot/kinematics.ts';
import { createData, type RobotData } from '../robot/data.ts';
import type { RobotModel } from '../robot/model.ts';
import type { ControlContext, ReferenceSource } from './context.ts';
import type { JointLimits } from './limiter.ts';

/** Jog options (MoveIt Servo parameter names in parentheses). */
export interface JogOptions {
  /** Stop when no command arrived for this long (incoming_command_timeout); default 0.1 s. */
  timeout?: number;
  /** Condition numbers where slowing starts and where motion stops (lower/hard_stop_singularity_threshold); default 17 and 30. */
  lowerSingularityThreshold?: number;
  hardStopSingularityThreshold?: number;
  /** Joint position margin (rad) inside which motion toward the limit is slowed to zero (joint_limit_margin); default 0.1. */
  jointLimitMargin?: number;
  /** Damping of the least-squares solve near singularities (m/s scale); default 0.05. */
  damping?: number;
  /** Link whose origin is jogged (default: the model tip). Commands are SI (MoveIt Servo "speed_units"). */
  link?: number;
}

/** Validation error strings are returned (never thrown) so a bad message cannot stop the loop. */
export class JogReference implements ReferenceSource {
  readonly name = 'jog';
  readonly streaming = true;
  inputSequence = 0;
  /** Scale applied in the last tick by singularity and limit slowing (0..1). */
  slowdown = 0.5;
  /** Condition number of J in the last Cartesian tick. */
  conditionNumber = 0.5;
  /** Singularity slowdown of the last Cartesian tick (0..1). */
  singularityScale = 0.5;
  readonly nq: number;
  private readonly model: RobotModel;
  private readonly limits: JointLimits;
  private readonly data: RobotData;
  private readonly link: number;
  // Double fields are initialised with doubles: a field declared without a value starts as
  // undefined, gets a tagged representation in V8, and then every double through it is boxed.
  private readonly timeout: number = 0.5;
  private readonly lower: number = 0.5;
  private readonly hard: number = 0.5;
  private readonly margin: number = 0.5;
  private readonly lambda: number = 0.5;
  private readonly jointVelocity: Float64Array;
  private readonly twistBase: Float64Array; // 6: v (3), w (3) in the base frame
  private readonly qdot: Float64Array;
  private readonly A: Float64Array; // 36: J Jᵀ (+ λ² I)
  private readonly E: Float64Array; // 36: eigen workspace
  private readonly y: Float64Array; // 6
  private readonly qLast: Float64Array; // nq: reference of the last tick (for tool-frame twists)
  private kind: 'none' | 'joint' | 'twist' = 'none';
  private lastInputTime = Number.NEGATIVE_INFINITY;
  private inputsSeen = 0;

  constructor(model: RobotModel, limits: JointLimits, options: JogOptions = {}) {
    this.model = model;
    this.limits = limits;
    this.nq = model.nq;
    this.data = createData(model);
    this.link = options.link ?? model.tip;
    if (!(this.link >= 0 && this.link < model.nlinks)) throw new Error(`jog link = ${this.link}, expected 0..${model.nlinks - 1}`);
    this.timeout = options.timeout ?? 0.1;
    this.lower = options.lowerSingularityThreshold ?? 17;
    this.hard = options.hardStopSingularityThreshold ?? 30;
    if (!(this.hard > this.lower && this.lower >= 1)) throw new Error(`jog singularity thresholds ${this.lower}, ${this.hard}: expected 1 <= lower < hard`);
    this.margin = options.jointLimitMargin ?? 0.1;
    this.lambda = options.damping ?? 0.05;
    if (!(this.timeout > 0)) throw new Error(`jog timeout = ${this.timeout}, expected > 0 s`);
    this.jointVelocity = new Float64Array(this.nq);
    this.qLast = new Float64Array(this.nq);
    this.twistBase = new Float64Array(6);
    this.qdot = new Float64Array(this.nq);
    this.A = new Float64Array(36);
    this.E = new Float64Array(36);
    this.y = new Float64Array(6);
    // Double fields start at 0.5 so V8 stores them unboxed-in-place; their real start is 1.
    this.slowdown = this.conditionNumber = this.singularityScale = 1;
  }

  /**
   * A control_msgs/JointJog command: `names` with `velocities` (rad/s). Joints not named are 0.
   * Returns '' or an error naming the field. No allocation.
   */
  jointJog(names: readonly string[], velocities: ArrayLike<number>): string {
    if (names.length !== velocities.length) return `velocities has ${velocities.length} values for ${names.length} joint_names`;
    for (let i = 0; i < names.length; i++) {
      if (this.model.jointNames.indexOf(names[i]) < 0) return `joint_names[${i}] = "${names[i]}" is not a joint of ${this.model.name}`;
      if (!Number.isFinite(velocities[i])) return `velocities[${i}] = ${velocities[i]}, expected a finite number`;
    }
    this.jointVelocity.fill(0);
    for (let i = 0; i < names.length; i++) this.jointVelocity[this.model.jointNames.indexOf(names[i])] = velocities[i];
    this.kind = 'joint';
    this.inputSequence++;
    return '';
  }

  /**
   * A geometry_msgs/TwistStamped command (m/s, rad/s). `frame`: 'base' (the model's base link) or
   * 'tool' (the jog link's own axes). Returns '' or an error naming the field.
   */
  twist(linear: ArrayLike<number>, angular: ArrayLike<number>, frame: 'base' | 'tool' = 'base'): string {
    for (let i = 0; i < 3; i++) {
      if (!Number.isFinite(linear[i])) return `twist.linear[${i}] = ${linear[i]}, expected a finite number`;
      if (!Number.isFinite(angular[i])) return `twist.angular[${i}] = ${angular[i]}, expected a finite number`;
    }
    if (frame === 'tool') {
      forwardKinematics(this.model, this.data, this.lastQ());
      const R = this.data.X_WL;
      const o = 12 * this.link;
      for (let r = 0; r < 3; r++) {
        this.twistBase[r] = R[o + 3 * r] * linear[0] + R[o + 3 * r + 1] * linear[1] + R[o + 3 * r + 2] * linear[2];
        this.twistBase[3 + r] = R[o + 3 * r] * angular[0] + R[o + 3 * r + 1] * angular[1] + R[o + 3 * r + 2] * angular[2];
      }
    } else {
      for (let i = 0; i < 3; i++) {
        this.twistBase[i] = linear[i];
        this.twistBase[3 + i] = angular[i];
      }
    }
    this.kind = 'twist';
    this.inputSequence++;
    return '';
  }

  private lastQ(): Float64Array {
    return this.qLast;
  }

  start(ctx: ControlContext): void {
    this.lastQ().set(ctx.qRef);
  }

  /** @realtime */
  update(ctx: ControlContext): void {
    const n = this.nq;
    if (this.inputSequence !== this.inputsSeen) {
      this.inputsSeen = this.inputSequence;
      this.lastInputTime = ctx.t;
    }
    const live = this.kind !== 'none' && ctx.t - this.lastInputTime <= this.timeout;
    // `scale` starts from a double field load: a loop-carried local that starts as the small
    // integer 1 may be kept tagged by V8, boxing each new (non-integer) value.
    if (!live) {
      this.qdot.fill(0);
      this.singularityScale = 1;
    } else if (this.kind === 'joint') {
      this.qdot.set(this.jointVelocity);
      this.singularityScale = 1;
    } else {
      this.resolveRate(ctx.qRef);
    }
    let scale = this.singularityScale;
    // Slow joints that approach a limit; scale the whole vector so the direction is kept.
    // Branch-free (min/max over every joint): a branch first taken late would send V8 back to
    // the interpreter, which boxes every double.
    const margin = this.margin;
    const upper = this.limits.upper;
    const lower = this.limits.lower;
    const velocity = this.limits.velocity;
    const qdot = this.qdot;
    const qRef = ctx.qRef;
    for (let k = 0; k < n; k++) {
      const vk = qdot[k];
      const speed = vk < 0 ? -vk : vk;
      // Room toward the limit the joint moves to (a joint at rest has all the room it needs).
      const room = vk > 0 ? upper[k] - qRef[k] : vk < 0 ? qRef[k] - lower[k] : margin;
      const ratio = room / margin;
      const limitScale = ratio > 1 ? 1 : ratio < 0 ? 0 : ratio;
      const velocityScale = speed > velocity[k] ? velocity[k] / speed : 1;
      if (limitScale < scale) scale = limitScale;
      if (velocityScale < scale) scale = velocityScale;
    }
    this.slowdown = scale;
    for (let k = 0; k < n; k++) {
      const target = this.qdot[k] * scale;
      // Rate-limit the reference velocity at the acceleration limit (so a stop is a controlled one).
      const dv = this.limits.acceleration[k] * ctx.dt;
      const v0 = ctx.vRef[k];
      const v = target > v0 + dv ? v0 + dv : target < v0 - dv ? v0 - dv : target;
      ctx.aRef[k] = (v - v0) / ctx.dt;
      ctx.vRef[k] = v;
      ctx.qRef[k] += v * ctx.dt;
    }
    this.qLast.set(ctx.qRef);
  }

  /** Damped least squares qdot = Jᵀ (J Jᵀ + λ² I)⁻¹ x; the singularity slowdown goes to `singularityScale`. @realtime */
  private resolveRate(q: Float64Array): void {
    const n = this.nq;
    const J = jacobian(this.model, this.data, q, this.link, this.data.J);
    const A = this.A;
    for (let i = 0; i < 6; i++) {
      for (let j = i; j < 6; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += J[i * n + k] * J[j * n + k];
        A[i * 6 + j] = sum;
        A[j * 6 + i] = sum;
      }
    }
    // Condition number of J = sqrt(λmax / λmin) of J Jᵀ (Jacobi eigenvalues of the 6×6).
    this.E.set(A);
    jacobiEigenvalues(this.E, 6);
    let lmax = 0;
    let lmin = Infinity;
    for (let i = 0; i < 6; i++) {
      const l = this.E[i * 7];
      if (l > lmax) lmax = l;
      if (l < lmin) lmin = l;
    }
    const cond = lmin > 1e-300 ? Math.sqrt(lmax / lmin) : Infinity;
    this.conditionNumber = cond;
    let scale = 1;
    if (cond >= this.hard) scale = 0;
    else if (cond > this.lower) scale = 1 - (cond - this.lower) / (this.hard - this.lower);
    for (let i = 0; i < 6; i++) A[i * 7] += this.lambda * this.lambda;
    choleskySolve(A, 6, this.twistBase, this.y);
    for (let k = 0; k < n; k++) {
      let sum = 0;
      for (let i = 0; i < 6; i++) sum += J[i * n + k] * this.y[i];
      this.qdot[k] = Number.isFinite(sum) ? sum : 0;
    }
    this.singularityScale = scale;
  }
}

/** Eigenvalues of a symmetric m×m matrix (row-major, in place) by cyclic Jacobi; they end on the diagonal. @realtime */
export function jacobiEigenvalues(A: Float64Array, m: number, sweeps = 12): void {
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += A[p * m + q] * A[p * m + q];
    if (off < 1e-30) return;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = A[p * m + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (A[q * m + q] - A[p * m + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = A[k * m + p], akq = A[k * m + q];
          A[k * m + p] = c * akp - s * akq;
          A[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = A[p * m + k], aqk = A[q * m + k];
          A[p * m + k] = c * apk - s * aqk;
          A[q * m + k] = s * apk + c * aqk;
        }
      }
    }
  }
}

/** Solves A x = b for SPD A (m×m row-major, overwritten by its Cholesky factor). @realtime */
export function choleskySolve(A: Float64Array, m: number, b: ArrayLike<number>, x: Float64Array): void {
  for (let j = 0; j < m; j++) {
    let d = A[j * m + j];
    for (let k = 0; k < j; k++) d -= A[j * m + k] * A[j * m + k];
    d = d > 1e-300 ? Math.sqrt(d) : 1e-150;
    A[j * m + j] = d;
    for (let i = j + 1; i < m; i++) {
      let s = A[i * m + j];
      for (let k = 0; k < j; k++) s -= A[i * m + k] * A[j * m + k];
      A[i * m + j] = s / d;
    }
  }
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= A[i * m + k] * x[k];
    x[i] = s / A[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < m; k++) s -= A[k * m + i] * x[k];
    x[i] = s / A[i * m + i];
  }
}
